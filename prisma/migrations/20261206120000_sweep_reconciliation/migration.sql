-- Each sweep records the queue prefix of the deployment that submitted it, as each run does
-- (migration 20261205040000): a deployment's sweep reconciler looks at its own sweeps only
-- (src/worker/sweep-reconciler.ts).
ALTER TABLE "sweeps" ADD COLUMN "queue_prefix" VARCHAR(255) DEFAULT current_setting('descent.queue_prefix', true);

-- Rounds of the sweep's coordination that failed since its last round that did not, and the
-- last one's error: the sweep reconciler ends a sweep whose rounds keep failing.
ALTER TABLE "sweeps" ADD COLUMN "failed_rounds" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "sweeps" ADD COLUMN "round_error" TEXT;

-- Sweeps on their way when this migration runs belonged to the default prefix, if any.
UPDATE "sweeps" SET "queue_prefix" = 'descent' WHERE "status" IN ('queued', 'running');

-- The sweep reconciler's candidates: a deployment's unfinished sweeps, by last write.
CREATE INDEX "sweeps_unfinished_idx" ON "sweeps" ("queue_prefix", "updated_at") WHERE "status" IN ('queued', 'running');
