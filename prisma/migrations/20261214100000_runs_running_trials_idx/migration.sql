-- A deployment's running sweep trials, least recently written first: the sweep reconciler reads
-- them at each pass for the trials of sweeps that ended (cancelled by a client, or their
-- coordination failed) without the trials being told to stop. Through the index of every
-- unfinished run (runs_unfinished_idx) that read went through the whole queued backlog whenever
-- no such trial was found, the usual case; this one holds only the running trials, a few per
-- worker.
--
-- Runs are held for writes while it is built (no row qualifies but running trials); a
-- transaction holding runs longer than 5 seconds makes the migration fail and roll back, and
-- starting again applies it.
SET LOCAL lock_timeout = '5s';

CREATE INDEX "runs_running_trials_idx" ON "runs" ("queue_prefix", "updated_at")
  WHERE "status" = 'running' AND "sweep_id" IS NOT NULL;
