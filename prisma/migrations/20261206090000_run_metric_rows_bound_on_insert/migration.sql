-- metric_rows_bound set by a trigger as a run is stored (or its spec or the column is written),
-- no longer a generated column: PostgreSQL 15 computes a stored generated column again at every
-- update of its row, whatever the update sets, so each of the worker's slice statements (a run's
-- status, progress and counts) read the column's expression from the catalog and evaluated its
-- seven spec_count calls again, for the value its spec had given when the run was stored. The
-- values stay; the function computes the same expression as migration 20261206020000's column.
CREATE FUNCTION "runs_metric_rows_bound"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."metric_rows_bound" := CASE
    WHEN NEW."spec" #> '{training,maxSteps}' IS NOT NULL AND "spec_count"(NEW."spec" #> '{training,maxSteps}') IS NULL THEN NULL
    WHEN NEW."spec" #> '{training,epochs}' IS NOT NULL AND "spec_count"(NEW."spec" #> '{training,epochs}') IS NULL THEN NULL
    WHEN NEW."spec" #> '{record,every}' IS NOT NULL AND "spec_count"(NEW."spec" #> '{record,every}') IS NULL THEN NULL
    ELSE least(
      -- stepBudget: maxSteps, else 10⁹ when epochs decide, else 1,000
      coalesce("spec_count"(NEW."spec" #> '{training,maxSteps}'), CASE WHEN NEW."spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END),
      -- recordsAtMost: every record.every-th step and the last one; at most 10,000 without record.every
      CASE WHEN NEW."spec" #> '{record,every}' IS NULL THEN 10000
           ELSE floor(coalesce("spec_count"(NEW."spec" #> '{training,maxSteps}'), CASE WHEN NEW."spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END)
                      / "spec_count"(NEW."spec" #> '{record,every}')) + 1 END)::bigint
  END;
  RETURN NEW;
END
$$;

ALTER TABLE "runs" ALTER COLUMN "metric_rows_bound" DROP EXPRESSION;

-- Only when the spec (or the bound itself) is written: the worker's updates fire nothing.
CREATE TRIGGER "runs_metric_rows_bound" BEFORE INSERT OR UPDATE OF "spec", "metric_rows_bound" ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "runs_metric_rows_bound"();
