-- A submission's quota check and its insert are one statement: runs_submit takes each of its
-- runs' tenants' lock, counts what the tenant has after every submission that held the lock before
-- it committed, and stores, in the order they were submitted, the runs that fit its quotas. The
-- API used to insert runs first and count them after, in a second statement, removing those over
-- a quota: runs submitted together all counted each other, and a burst that crossed the quota was
-- refused whole, the runs that fitted too.

-- A run's bound of metric rows, as the trigger computed it (migration 20261206130000), for the
-- submission to reserve a run's rows before it is stored: its spec's bound, or `given` when lower.
-- The same expression, each count read from the spec once: the trigger's seven calls of
-- spec_count took about as long again as the rest of it.
CREATE FUNCTION "run_metric_rows_bound"("spec" jsonb, "given" bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  "max_steps" jsonb := "spec" #> '{training,maxSteps}';
  "epochs" jsonb := "spec" #> '{training,epochs}';
  "every" jsonb := "spec" #> '{record,every}';
  "max_steps_count" numeric := "spec_count"("max_steps");
  "every_count" numeric := "spec_count"("every");
  "steps" numeric;
  "bound" bigint;
BEGIN
  -- A count given out of range bounds nothing.
  IF NOT (("max_steps" IS NOT NULL AND "max_steps_count" IS NULL) OR ("epochs" IS NOT NULL AND "spec_count"("epochs") IS NULL)
          OR ("every" IS NOT NULL AND "every_count" IS NULL)) THEN
    -- stepBudget: maxSteps, else 10⁹ when epochs decide, else 1,000
    "steps" := coalesce("max_steps_count", CASE WHEN "epochs" IS NOT NULL THEN 1000000000 ELSE 1000 END);
    -- recordsAtMost: every record.every-th step and the last one; at most 10,000 without record.every
    "bound" := least("steps", CASE WHEN "every" IS NULL THEN 10000 ELSE floor("steps" / "every_count") + 1 END)::bigint;
  END IF;
  -- least() passes over NULLs: a given bound stands where the spec says none.
  RETURN CASE WHEN "given" IS NULL THEN "bound" ELSE least("given", "bound") END;
END
$$;

CREATE OR REPLACE FUNCTION "runs_metric_rows_bound"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."metric_rows_bound" := "run_metric_rows_bound"(NEW."spec", CASE WHEN TG_OP = 'INSERT' THEN NEW."metric_rows_bound" END);
  RETURN NEW;
END
$$;

-- Submits runs, one per element of the arrays (in the order given, which is the order they were
-- submitted in), each with its tenant's quotas: the most unfinished runs (max_active_runs) and
-- metric rows (max_metric_rows, stored by finished runs or reserved by unfinished ones, their
-- bound or what they stored when more). Answers one row per run, by its place `n` in the arrays:
--  * `created`: stored, with its `place` in its tenant's backlog (its tenant's unfinished runs,
--    itself and the runs before it in the arrays included) and what the insert chose;
--  * `existing`: its tenant already has a run of its idempotency key, `run_id` (a replay, never
--    counted or refused);
--  * `active_runs` or `metric_rows`: refused at that quota, nothing stored, with what the tenant
--    `used` before it (the runs before it that were stored included) and what it `requested`.
--
-- The tenants' locks (advisory, per tenant, held until the submission commits) are taken in the
-- order of their keys, so that submissions of several tenants at once cannot deadlock, and each
-- tenant's submissions take turns without holding up other tenants'. Taken before anything is
-- counted: this function is volatile, so each of its queries reads with a snapshot of its own,
-- taken after the locks, which sees every run of the tenant that an earlier holder stored. The
-- key lookup is under the lock too: two submissions of one key are one run and one replay. A run
-- of the key stored without the lock meanwhile makes its insert do nothing; it is then answered
-- `existing` (its quota counted it all the same).
CREATE FUNCTION "runs_submit"(
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
           CASE WHEN a."key" IS NOT NULL THEN (SELECT e."id" FROM "runs" e WHERE e."tenant_id" = a."tenant_id" AND e."idempotency_key" = a."key") END AS "existing"
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
