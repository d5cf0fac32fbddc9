-- The most metric rows each run's spec lets it record, as metricRowsBound (src/db/metric-rows-use.ts)
-- computes it from a validated spec: a submission's metric-rows quota sums this column over the
-- tenant's unfinished runs instead of reading and parsing every unfinished run's spec. Generated,
-- so that every insert has it and rows stored before have it too; NULL where the fields are not
-- numbers a spec may hold (a run that then counts what it stored only, as before).
ALTER TABLE "runs" ADD COLUMN "metric_rows_bound" BIGINT GENERATED ALWAYS AS (
  CASE
    WHEN "spec" #> '{record,every}' IS NOT NULL AND jsonb_typeof("spec" #> '{record,every}') <> 'number' THEN NULL
    WHEN "spec" #> '{training,maxSteps}' IS NOT NULL AND jsonb_typeof("spec" #> '{training,maxSteps}') <> 'number' THEN NULL
    WHEN ("spec" #>> '{record,every}')::numeric < 1 OR ("spec" #>> '{training,maxSteps}')::numeric < 1 THEN NULL
    ELSE least(
      -- stepBudget: maxSteps, else 10⁹ when epochs decide, else 1,000
      CASE WHEN "spec" #> '{training,maxSteps}' IS NOT NULL THEN ("spec" #>> '{training,maxSteps}')::numeric
           WHEN "spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END,
      -- recordsAtMost: every record.every-th step and the last one; at most 10,000 without record.every
      CASE WHEN "spec" #> '{record,every}' IS NULL THEN 10000
           ELSE floor(
             CASE WHEN "spec" #> '{training,maxSteps}' IS NOT NULL THEN ("spec" #>> '{training,maxSteps}')::numeric
                  WHEN "spec" #> '{training,epochs}' IS NOT NULL THEN 1000000000 ELSE 1000 END
             / ("spec" #>> '{record,every}')::numeric) + 1 END)::bigint
  END
) STORED;
