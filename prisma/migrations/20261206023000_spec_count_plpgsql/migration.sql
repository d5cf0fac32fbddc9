-- spec_count in PL/pgSQL, with the same results: PostgreSQL inlines a SQL function into the
-- generated column metric_rows_bound, which parsed its body at each of the column's seven calls
-- for every statement inserting into runs (about 80 µs per insert); a PL/pgSQL function is
-- compiled once per connection. The stored values do not change, so nothing is rewritten.
CREATE OR REPLACE FUNCTION "spec_count"(value jsonb) RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF jsonb_typeof(value) IS DISTINCT FROM 'number' THEN RETURN NULL; END IF;
  IF value::numeric < 1 OR value::numeric > 1e9 OR value::numeric <> trunc(value::numeric) THEN RETURN NULL; END IF;
  RETURN value::numeric;
END
$$;
