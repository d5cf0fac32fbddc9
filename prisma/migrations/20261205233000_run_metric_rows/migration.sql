-- Each run's stored metric rows, kept by the statements that store or delete them (the worker's
-- slice write, the retention pass): a tenant's metric-rows quota sums this column at each
-- submission instead of counting every row of every run of the tenant.
ALTER TABLE "runs" ADD COLUMN "metric_rows" INTEGER NOT NULL DEFAULT 0;
UPDATE "runs" SET "metric_rows" = stored.rows
  FROM (SELECT "run_id", count(*)::int AS rows FROM "run_metrics" GROUP BY "run_id") stored
 WHERE stored."run_id" = "runs"."id";
