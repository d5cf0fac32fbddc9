-- A run stored with a metric_rows_bound keeps it when it is lower than its spec's: the API
-- computes the bound of a run that `training.epochs` ends from its data's training rows (its
-- epochs' updates), which the spec alone does not give (without maxSteps, it bounds such a run
-- by 10⁹ updates, and a tenant's quota then refused a second such run). A run stored without one
-- (a sweep's trial), a spec written, or a bound set by an update gets its spec's, as before.
CREATE OR REPLACE FUNCTION "runs_metric_rows_bound"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "given" bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW."metric_rows_bound" END;
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
  -- least() passes over NULLs: a given bound stands where the spec says none.
  IF "given" IS NOT NULL THEN
    NEW."metric_rows_bound" := least("given", NEW."metric_rows_bound");
  END IF;
  RETURN NEW;
END
$$;
