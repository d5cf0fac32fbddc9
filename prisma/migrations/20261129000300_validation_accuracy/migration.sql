-- AlterTable
ALTER TABLE "run_metrics" ADD COLUMN     "val_accuracy" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "metric_rollups" ADD COLUMN     "val_accuracy_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "val_accuracy_max" DOUBLE PRECISION,
ADD COLUMN     "val_accuracy_min" DOUBLE PRECISION,
ADD COLUMN     "val_accuracy_sum" DOUBLE PRECISION NOT NULL DEFAULT 0;
