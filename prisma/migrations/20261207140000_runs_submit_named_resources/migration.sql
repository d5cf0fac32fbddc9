-- A stored objective or dataset is deleted only while nothing names it (src/db/resource-deletion.ts),
-- but the API checks that a run's stored objective and datasets exist before runs_submit stores
-- it, in a statement of its own: a deletion between the two found no run naming the objective,
-- deleted it, and the run was stored naming an objective that no longer existed (its worker
-- then failed it). A deletion now takes its tenant's lock, the one a submission takes, before it
-- looks for what names its target, and runs_submit checks again, under the lock, that the stored
-- objective and datasets each run names exist, refusing those whose do not. Whichever of the two
-- takes the lock first, the other sees what it did: a deletion after the submission finds the
-- run, a submission after the deletion is refused.

-- The uuid a reference gives as text, or NULL when it is none (no stored row has it): a cast
-- would fail the whole statement.
CREATE FUNCTION "uuid_or_null"("value" text) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN "value" ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN "value"::uuid END
$$;

-- The first stored resource of the tenant that an objective spec (a run's `objective`, a sweep's
-- `base.objective`) names and the tenant does not have, by the field that names it: `objective`
-- (its `id`, a stored objective), `data` or `validation` (their `id`, a dataset); NULL when it
-- names none that is missing. The fields are those a deletion looks in for a run naming its
-- target, and those the API resolves (src/db/objective-resolution.ts). In PL/pgSQL, whose
-- plans a connection keeps: a function in SQL that cannot be inlined (it has subqueries) is
-- planned again in each statement that calls it, about 0.4 ms of a submission of one run; this
-- one costs a run that names a stored objective about 2 µs.
CREATE FUNCTION "objective_missing_reference"("tenant" uuid, "objective" jsonb) RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF "objective" ->> 'id' IS NOT NULL
     AND NOT EXISTS (SELECT FROM "objectives" s WHERE s."id" = "uuid_or_null"("objective" ->> 'id') AND s."tenant_id" = "tenant") THEN
    RETURN 'objective';
  END IF;
  IF "objective" #>> '{data,id}' IS NOT NULL
     AND NOT EXISTS (SELECT FROM "datasets" d WHERE d."id" = "uuid_or_null"("objective" #>> '{data,id}') AND d."tenant_id" = "tenant") THEN
    RETURN 'data';
  END IF;
  IF "objective" #>> '{validation,id}' IS NOT NULL
     AND NOT EXISTS (SELECT FROM "datasets" d WHERE d."id" = "uuid_or_null"("objective" #>> '{validation,id}') AND d."tenant_id" = "tenant") THEN
    RETURN 'validation';
  END IF;
  RETURN NULL;
END
$$;

-- runs_submit as before (migration 20261207120000), with one more refusal: `missing_objective`,
-- `missing_data` or `missing_validation`, the run names a stored objective (`objective.id`) or
-- dataset (`objective.data.id`, `objective.validation.id`) its tenant no longer has, read under
-- the tenant's lock; nothing stored. A replay is still never refused. Only a run whose objective
-- has one of those fields calls the check: a benchmark, an expression or a model on inline or
-- generated data reads no table for it.

CREATE OR REPLACE FUNCTION "runs_submit"(
  "run_ids" uuid[], "run_tenants" uuid[], "run_specs" jsonb[], "run_keys" varchar[], "run_sweeps" uuid[], "run_trials" int[],
  "run_bounds" bigint[], "max_active_runs" float8[], "max_metric_rows" float8[]
) RETURNS TABLE ("n" int, "outcome" text, "run_id" uuid, "stored_spec" jsonb, "stored_prefix" varchar, "stored_at" timestamptz, "place" int, "used" float8, "requested" float8)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "lock_key" int;
  "asked" record;
  "tenant" uuid;
  -- The current tenant's unfinished runs and metric rows, with the runs admitted so far.
  "tenant_runs" float8;
  "tenant_rows" float8;
  -- Per run, by its place in the arrays (from 1: an empty array would take the first index set as its lower bound).
  "outcomes" text[] := array_fill(NULL::text, ARRAY[cardinality("run_ids")]);
  "places" int[] := array_fill(NULL::int, ARRAY[cardinality("run_ids")]);
  "uses" float8[] := array_fill(NULL::float8, ARRAY[cardinality("run_ids")]);
  "requests" float8[] := array_fill(NULL::float8, ARRAY[cardinality("run_ids")]);
  "replays" uuid[] := array_fill(NULL::uuid, ARRAY[cardinality("run_ids")]);
  "keyed" boolean := false;
BEGIN
  FOR "lock_key" IN SELECT DISTINCT hashtext(t::text) FROM unnest("run_tenants") AS t ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(72707372, "lock_key");
  END LOOP;

  FOR "asked" IN
    WITH "runs_asked" AS (
      SELECT * FROM unnest("run_tenants", "run_specs", "run_keys", "run_bounds", "max_active_runs", "max_metric_rows")
        WITH ORDINALITY AS r("tenant_id", "spec", "key", "bound", "max_runs", "max_rows", "i")),
    "tenant_use" AS MATERIALIZED (
      SELECT t."tenant_id", u."active_runs", u."metric_rows"
        FROM (SELECT DISTINCT "tenant_id" FROM "runs_asked") AS t
        CROSS JOIN LATERAL (
          SELECT count(*)::float8 AS "active_runs",
                 ((SELECT coalesce(sum(f."rows"), 0) FROM "tenant_metric_rows" f WHERE f."tenant_id" = t."tenant_id")
                  + coalesce(sum(greatest(o."metric_rows", coalesce(o."metric_rows_bound", 0))), 0))::float8 AS "metric_rows"
            FROM "runs" o WHERE o."tenant_id" = t."tenant_id" AND o."status" IN ('queued', 'running')) AS u)
    SELECT a."i"::int AS "i", a."tenant_id", a."key" IS NOT NULL AS "keyed", a."max_runs", a."max_rows", u."active_runs", u."metric_rows",
           coalesce("run_metric_rows_bound"(a."spec", a."bound"), 0)::float8 AS "reserved",
           CASE WHEN a."key" IS NOT NULL THEN (SELECT e."id" FROM "runs" e WHERE e."tenant_id" = a."tenant_id" AND e."idempotency_key" = a."key") END AS "existing",
           CASE WHEN coalesce(a."spec" #> '{objective,id}', a."spec" #> '{objective,data,id}', a."spec" #> '{objective,validation,id}') IS NOT NULL
                THEN "objective_missing_reference"(a."tenant_id", a."spec" -> 'objective') END AS "missing"
      FROM "runs_asked" a JOIN "tenant_use" u ON u."tenant_id" = a."tenant_id"
     ORDER BY a."tenant_id", a."i"
  LOOP
    IF "asked"."tenant_id" IS DISTINCT FROM "tenant" THEN
      "tenant" := "asked"."tenant_id";
      "tenant_runs" := "asked"."active_runs";
      "tenant_rows" := "asked"."metric_rows";
    END IF;
    IF "asked"."existing" IS NOT NULL THEN
      "outcomes"["asked"."i"] := 'existing';
      "replays"["asked"."i"] := "asked"."existing";
    ELSIF "asked"."missing" IS NOT NULL THEN
      "outcomes"["asked"."i"] := 'missing_' || "asked"."missing";
    ELSIF "tenant_runs" + 1 > "asked"."max_runs" THEN
      "outcomes"["asked"."i"] := 'active_runs';
      "uses"["asked"."i"] := "tenant_runs";
      "requests"["asked"."i"] := 1;
    ELSIF "tenant_rows" + "asked"."reserved" > "asked"."max_rows" THEN
      "outcomes"["asked"."i"] := 'metric_rows';
      "uses"["asked"."i"] := "tenant_rows";
      "requests"["asked"."i"] := "asked"."reserved";
    ELSE
      "outcomes"["asked"."i"] := 'created';
      "tenant_runs" := "tenant_runs" + 1;
      "tenant_rows" := "tenant_rows" + "asked"."reserved";
      "places"["asked"."i"] := "tenant_runs";
      "keyed" := "keyed" OR "asked"."keyed";
    END IF;
  END LOOP;

  RETURN QUERY
    WITH "inserted" AS (
      INSERT INTO "runs" ("id", "tenant_id", "spec", "idempotency_key", "sweep_id", "trial_number", "metric_rows_bound", "created_at", "updated_at")
      SELECT r."id", r."tenant_id", r."spec", r."key", r."sweep_id", r."trial_number", r."bound", now(), now()
        FROM unnest("run_ids", "run_tenants", "run_specs", "run_keys", "run_sweeps", "run_trials", "run_bounds", "outcomes")
          AS r("id", "tenant_id", "spec", "key", "sweep_id", "trial_number", "bound", "outcome")
       WHERE r."outcome" = 'created'
      ON CONFLICT ("tenant_id", "idempotency_key") DO NOTHING
      RETURNING "runs"."id", "runs"."spec", "runs"."queue_prefix", "runs"."created_at")
    SELECT r."i"::int, r."outcome", coalesce(r."replay", r."id"), s."spec", s."queue_prefix", s."created_at", r."place", r."used", r."requested"
      FROM unnest("run_ids", "outcomes", "replays", "places", "uses", "requests") WITH ORDINALITY
             AS r("id", "outcome", "replay", "place", "used", "requested", "i")
      LEFT JOIN "inserted" s ON s."id" = r."id"
     WHERE r."outcome" <> 'created' OR s."id" IS NOT NULL;

  -- Keyed runs whose insert did nothing: a run of their key was stored meanwhile, which this
  -- query's snapshot, taken after the insert waited for it, sees.
  IF "keyed" THEN
    RETURN QUERY
      SELECT r."i"::int, 'existing'::text, e."id", NULL::jsonb, NULL::varchar, NULL::timestamptz, NULL::int, NULL::float8, NULL::float8
        FROM unnest("run_ids", "run_tenants", "run_keys", "outcomes") WITH ORDINALITY AS r("id", "tenant_id", "key", "outcome", "i")
        JOIN "runs" e ON e."tenant_id" = r."tenant_id" AND e."idempotency_key" = r."key" AND e."id" <> r."id"
       WHERE r."outcome" = 'created';
  END IF;
END
$$;
