-- A run's metric rows go with the run by a statement trigger instead of a foreign key: the key
-- made PostgreSQL look the run up again for every inserted row (a small run's 20 rows were 20
-- lookups, 40% of the worker's write), while the one statement that inserts them has just locked
-- the run row and checked that it is running (src/db/metrics-writer.ts). Deleting runs (one, or
-- a tenant's by its cascade) deletes their rows in one statement, as the cascade did.
ALTER TABLE "run_metrics" DROP CONSTRAINT "run_metrics_run_id_fkey";

CREATE FUNCTION "delete_run_metrics"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "run_metrics" m USING "deleted_runs" d WHERE m."run_id" = d."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "runs_delete_metrics" AFTER DELETE ON "runs"
  REFERENCING OLD TABLE AS "deleted_runs" FOR EACH STATEMENT EXECUTE FUNCTION "delete_run_metrics"();
