-- metric_rows_bound again, counting a spec's maxSteps, epochs and record.every only when each is
-- what the run spec's schema allows (a whole number from 1 to 1e9): a stored spec that does not
-- validate (a sweep's failed trial keeps the spec its sampler made, maxSteps 1e20 say) has no
-- bound, as metricRowsBound gives none, instead of a bound past bigint that refused the insert.

-- A whole JSON number from 1 to 1e9, else NULL. CASE, not AND: the cast must never see a string.
CREATE FUNCTION "spec_count"(value jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof(value) IS DISTINCT FROM 'number' THEN NULL
    WHEN value::numeric < 1 OR value::numeric > 1e9 OR value::numeric <> trunc(value::numeric) THEN NULL
    ELSE value::numeric
  END
$$;

ALTER TABLE "runs" DROP COLUMN "metric_rows_bound";

ALTER TABLE "runs" ADD COLUMN "metric_rows_bound" BIGINT GENERATED ALWAYS AS (
  CASE
    WHEN "spec" #> '{training,maxSteps}' IS NOT NULL AND "spec_count"("spec" #> '{training,maxSteps}') IS NULL THEN NULL
    WHEN "spec" #> '{training,epochs}' IS NOT NULL AND "spec_count"("spec" #> '{training,epochs}') IS NULL THEN NULL
    WHEN "spec" #> '{record,every}' IS NOT NULL AND "spec_count"("spec" #> '{record,every}') IS NULL THEN NULL
    ELSE least(
      -- stepBudget: maxSteps, else 10⁹ when epochs decide, else 1,000
      coalesce("spec_count"("spec" #> '{training,maxSteps}'), CASE WHEN "spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END),
      -- recordsAtMost: every record.every-th step and the last one; at most 10,000 without record.every
      CASE WHEN "spec" #> '{record,every}' IS NULL THEN 10000
           ELSE floor(coalesce("spec_count"("spec" #> '{training,maxSteps}'), CASE WHEN "spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END)
                      / "spec_count"("spec" #> '{record,every}')) + 1 END)::bigint
  END
) STORED;
