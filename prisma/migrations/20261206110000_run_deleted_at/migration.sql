-- When a run's deletion began: its steps and rollups are deleted in chunks of steps, one statement
-- each (src/db/run-steps-deletion.ts), before the run itself, as one statement for all of a long
-- run's rows outlasted the statement timeout. From its first statement the run is as gone to the
-- API (reads, lists, leaderboards), so a deletion stopped midway never shows what is left of its
-- steps as the whole run; the same DELETE again finishes it. No default to write: adding the
-- column rewrites nothing.
ALTER TABLE "runs" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);
