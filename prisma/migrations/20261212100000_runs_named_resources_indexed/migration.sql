-- The stored objective and datasets a run names, in a column of their own, indexed, for their
-- deletions (src/db/resource-deletion.ts): the deletion of either read every run the tenant ever
-- had to find those that name it (100,000 runs: 3,000 pages, 110 ms, the whole statement holding
-- the target's lock). A column set by a trigger as the run is stored, not an index of the spec's
-- fields: a running run's progress is written 4 times a second, each write a new row version whose
-- index entries are computed anew, and an index of the spec's fields unpacked the whole spec each
-- time (a 350 KB spec: 18 ms a write instead of 5). The spec never changes once stored, so the
-- worker's writes fire nothing.
--
-- Runs hold the table for themselves while it is applied (the column's ALTER TABLE); a transaction
-- on runs still open (a long run deletion) is waited for 5 seconds at most, then the migration
-- fails and is rolled back, and starting again after it ended applies it. Waiting for the migrator's
-- own lock_timeout would have every request on runs wait behind it as long.
SET LOCAL lock_timeout = '5s';

ALTER TABLE "runs" ADD COLUMN "named_resources" UUID[];

-- The ids in `objective.id`, `objective.data.id` and `objective.validation.id`, where each is a
-- UUID in any case (as a run may name one; no other text names a stored one), or NULL when it
-- names none: a run of an expression or benchmark adds nothing to the index.
CREATE FUNCTION "run_named_resources"("spec" JSONB) RETURNS UUID[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(lower(named)::uuid)
    FROM unnest(ARRAY["spec" #>> '{objective,id}', "spec" #>> '{objective,data,id}', "spec" #>> '{objective,validation,id}']) named
   WHERE named ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
$$;

UPDATE "runs" SET "named_resources" = "run_named_resources"("spec")
 WHERE "spec" #> '{objective,id}' IS NOT NULL OR "spec" #> '{objective,data,id}' IS NOT NULL
    OR "spec" #> '{objective,validation,id}' IS NOT NULL;

CREATE FUNCTION "runs_named_resources"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."named_resources" := "run_named_resources"(NEW."spec");
  RETURN NEW;
END
$$;

-- Only when the spec (or the column itself) is written: the worker's updates fire nothing. And
-- only for a row that names something or held names: a run of an expression or benchmark (most
-- runs, each submission's statement storing dozens) is stored without calling the function, which
-- cost 5 µs a row against 0.3 for the condition.
CREATE TRIGGER "runs_named_resources" BEFORE INSERT OR UPDATE OF "spec", "named_resources" ON "runs"
  FOR EACH ROW
  WHEN (NEW."named_resources" IS NOT NULL OR NEW."spec" #> '{objective,id}' IS NOT NULL
        OR NEW."spec" #> '{objective,data,id}' IS NOT NULL OR NEW."spec" #> '{objective,validation,id}' IS NOT NULL)
  EXECUTE FUNCTION "runs_named_resources"();

CREATE INDEX "runs_named_resources_idx" ON "runs" USING gin ("named_resources") WHERE "named_resources" IS NOT NULL;
