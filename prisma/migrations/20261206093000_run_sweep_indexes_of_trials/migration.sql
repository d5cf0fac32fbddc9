-- The runs' two indexes on sweep_id hold sweep trials only. Every statement that reads them asks
-- for a sweep's trials (sweep_id equal to a sweep's id, or one of several), which implies a
-- sweep_id, and a NULL sweep_id never clashes with another in the unique one; but each run of
-- its own took an entry in both at its insert and at every update of its row that the worker or
-- the API made (a new row version: its status and updated_at are indexed), two of its seven.
DROP INDEX "runs_sweep_id_status_idx";
CREATE INDEX "runs_sweep_id_status_idx" ON "runs" ("sweep_id", "status") WHERE "sweep_id" IS NOT NULL;

DROP INDEX "runs_sweep_id_trial_number_key";
CREATE UNIQUE INDEX "runs_sweep_id_trial_number_key" ON "runs" ("sweep_id", "trial_number") WHERE "sweep_id" IS NOT NULL;
