-- A deployment's running sweep trials, least recently written first: the sweep reconciler reads
-- them at each pass for the trials of sweeps that ended (cancelled by a client, or their
-- coordination failed) without the trials being told to stop. Through the index of every
-- unfinished run (runs_unfinished_idx) that read went through the whole queued backlog whenever
-- no such trial was found, the usual case; this one holds only the running trials, a few per
-- worker.
--
-- Runs are held for writes while it is built, and building it reads the whole runs table, every
-- run the deployment ever had (only running trials qualify, but each row is read to find them):
-- about 1.7 seconds for 3 million runs read from memory, longer when they must be read from disk,
-- every run submission, worker slice and cancel waiting meanwhile (reads go on). Only the wait for
-- the lock is bounded: a transaction holding runs longer than 5 seconds makes the migration fail
-- and roll back, having changed nothing, and starting again applies it.
SET LOCAL lock_timeout = '5s';

CREATE INDEX "runs_running_trials_idx" ON "runs" ("queue_prefix", "updated_at")
  WHERE "status" = 'running' AND "sweep_id" IS NOT NULL;
