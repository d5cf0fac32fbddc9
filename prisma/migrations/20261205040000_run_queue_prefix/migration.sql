-- Each run records the queue prefix of the deployment that submitted it: the API's and the
-- workers' connections set `descent.queue_prefix` (src/db/pool.ts), which the column's default
-- reads. A deployment's reconciler looks at its own runs only (src/worker/reconciler.ts).
ALTER TABLE "runs" ADD COLUMN "queue_prefix" VARCHAR(255) DEFAULT current_setting('descent.queue_prefix', true);

-- Runs on their way when this migration runs belonged to the default prefix, if any.
UPDATE "runs" SET "queue_prefix" = 'descent' WHERE "status" IN ('queued', 'running');

-- The reconciler's candidates: a deployment's unfinished runs, by last write.
CREATE INDEX "runs_unfinished_idx" ON "runs" ("queue_prefix", "updated_at") WHERE "status" IN ('queued', 'running');

-- The deployment's identity: one row, made here. A queue prefix in Redis is claimed for one
-- deployment's database; a worker of another refuses to start on it (src/queue/deployment-claim.ts).
CREATE TABLE "deployment" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployment_pkey" PRIMARY KEY ("id")
);
INSERT INTO "deployment" ("id") VALUES (gen_random_uuid());
