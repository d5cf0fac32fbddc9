-- A deletion of a stored objective or dataset took its tenant's lock (migration 20261207140000),
-- the one every submission of runs takes: it held it while it looked through all the tenant's
-- runs for one naming its target (300-500 ms for a tenant with 150,000 runs), and the API submits
-- the runs of all tenants together, one statement at a time, so that every run submitted
-- meanwhile, of any tenant, waited for it. A deletion now takes a lock of its target alone, and
-- what stores something naming a stored objective or dataset takes that lock too, shared:
--
-- - The deletion of objective or dataset X takes pg_advisory_xact_lock(72707373,
--   hashtext(lower(X))), exclusive, before it looks for what names X (src/db/resource-deletion.ts),
--   and no other advisory lock.
-- - runs_submit, after its tenants' locks, takes pg_advisory_xact_lock_shared(72707373, …) on each
--   stored objective and dataset id its runs name (`objective.id`, `objective.data.id`,
--   `objective.validation.id`), distinct and in order; the creation of a sweep (every id its spec
--   names, where a deletion looks) and of a stored objective (its datasets) take the same shared
--   locks, in order, before they check that what they name exists (src/db/sweeps.ts,
--   src/db/objectives.ts). A run, sweep or objective naming none takes none.
--
-- Whichever of a deletion of X and a submission naming X takes X's lock first, the other sees what
-- it did, as before: the deletion finds the run stored before it, the submission (reading with a
-- snapshot taken after the lock) finds X gone. Submissions naming X do not wait for each other
-- (shared locks do not conflict), and nothing waits for a deletion but what names its target.
--
-- No deadlock: shared locks conflict with no shared lock, so a submission or creation waits on a
-- resource lock only for a deletion holding it exclusively; a deletion holds that one advisory
-- lock and waits on no other advisory lock, and once it holds it, it waits on nothing a
-- submission or creation holds while waiting (they write no row of the objective or dataset it
-- deletes). Submissions take their tenants' locks, then their resource locks, each set in one
-- order, so they cannot wait on each other in a cycle either; a sweep's or stored objective's
-- creation takes no tenant lock now, only its shared resource locks, in order.
--
-- The existence checks are now written in runs_submit's query (NOT EXISTS over the primary keys):
-- objective_missing_reference, a PL/pgSQL call per run, costs a run naming a stored objective
-- 35-110 µs, not the 2 µs its comment claims; inline, 8-11 µs (20,000 runs naming one stored
-- objective, checked in one query). A run naming none tests three fields of its spec and reads no
-- table. objective_missing_reference stays for the creation of a
-- sweep or stored objective, one call each.

-- The resource lock's key: a stored objective's or dataset's id as a reference gives it (any case).
CREATE FUNCTION "resource_lock_key"("id" text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT hashtext(lower("id"))
$$;

-- runs_submit as in migration 20261207140000, with the resource locks and inline checks above:
-- quotas, replays, outcomes and the order of the answer are those of 20261207140000.
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

  -- The stored objectives and datasets the runs name, shared: their deletion takes them exclusively.
  FOR "lock_key" IN
    SELECT DISTINCT "resource_lock_key"(n."id")
      FROM unnest("run_specs") AS s("spec")
      CROSS JOIN LATERAL (VALUES (s."spec" #>> '{objective,id}'), (s."spec" #>> '{objective,data,id}'), (s."spec" #>> '{objective,validation,id}')) AS n("id")
     WHERE n."id" IS NOT NULL
     ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock_shared(72707373, "lock_key");
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
           CASE WHEN a."spec" #>> '{objective,id}' IS NOT NULL
                     AND NOT EXISTS (SELECT FROM "objectives" s WHERE s."id" = "uuid_or_null"(a."spec" #>> '{objective,id}') AND s."tenant_id" = a."tenant_id")
                  THEN 'objective'
                WHEN a."spec" #>> '{objective,data,id}' IS NOT NULL
                     AND NOT EXISTS (SELECT FROM "datasets" d WHERE d."id" = "uuid_or_null"(a."spec" #>> '{objective,data,id}') AND d."tenant_id" = a."tenant_id")
                  THEN 'data'
                WHEN a."spec" #>> '{objective,validation,id}' IS NOT NULL
                     AND NOT EXISTS (SELECT FROM "datasets" d WHERE d."id" = "uuid_or_null"(a."spec" #>> '{objective,validation,id}') AND d."tenant_id" = a."tenant_id")
                  THEN 'validation' END AS "missing"
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

-- Takes the resource lock, shared, on each of `ids` (stored objective or dataset ids as references
-- give them; NULLs skipped), distinct and in order: what the creation of a sweep or a stored
-- objective takes before it checks that what it names exists.
CREATE FUNCTION "resource_locks_shared"("ids" text[]) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "lock_key" int;
BEGIN
  FOR "lock_key" IN SELECT DISTINCT "resource_lock_key"(i) FROM unnest("ids") AS i WHERE i IS NOT NULL ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock_shared(72707373, "lock_key");
  END LOOP;
END
$$;
