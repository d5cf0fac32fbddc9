-- AlterEnum
ALTER TYPE "run_status" ADD VALUE 'pruned';

-- DropIndex
DROP INDEX "runs_sweep_id_idx";

-- DropIndex
DROP INDEX "sweeps_tenant_id_created_at_idx";

-- AlterTable
ALTER TABLE "runs" DROP COLUMN "trial_index",
ADD COLUMN     "parameters" JSONB,
ADD COLUMN     "trial_number" INTEGER,
ADD COLUMN     "trial_value" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "idempotency_key" VARCHAR(255),
ADD COLUMN     "name" TEXT,
ADD COLUMN     "started_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "runs_sweep_id_status_idx" ON "runs"("sweep_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "runs_sweep_id_trial_number_key" ON "runs"("sweep_id", "trial_number");

-- CreateIndex
CREATE INDEX "sweeps_tenant_id_created_at_id_idx" ON "sweeps"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "sweeps_tenant_id_status_created_at_idx" ON "sweeps"("tenant_id", "status", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "sweeps_tenant_id_idempotency_key_key" ON "sweeps"("tenant_id", "idempotency_key");
