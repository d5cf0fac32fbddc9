-- CreateTable
CREATE TABLE "metric_rollups" (
    "run_id" UUID NOT NULL,
    "level" SMALLINT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,
    "step_first" INTEGER NOT NULL,
    "step_last" INTEGER NOT NULL,
    "epoch_last" INTEGER,
    "elapsed_last" DOUBLE PRECISION,
    "loss_count" INTEGER NOT NULL,
    "loss_sum" DOUBLE PRECISION NOT NULL,
    "loss_min" DOUBLE PRECISION,
    "loss_max" DOUBLE PRECISION,
    "val_loss_count" INTEGER NOT NULL,
    "val_loss_sum" DOUBLE PRECISION NOT NULL,
    "val_loss_min" DOUBLE PRECISION,
    "val_loss_max" DOUBLE PRECISION,
    "grad_norm_count" INTEGER NOT NULL,
    "grad_norm_sum" DOUBLE PRECISION NOT NULL,
    "grad_norm_min" DOUBLE PRECISION,
    "grad_norm_max" DOUBLE PRECISION,
    "learning_rate_count" INTEGER NOT NULL,
    "learning_rate_sum" DOUBLE PRECISION NOT NULL,
    "learning_rate_min" DOUBLE PRECISION,
    "learning_rate_max" DOUBLE PRECISION,
    "update_norm_count" INTEGER NOT NULL,
    "update_norm_sum" DOUBLE PRECISION NOT NULL,
    "update_norm_min" DOUBLE PRECISION,
    "update_norm_max" DOUBLE PRECISION,

    CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("run_id","level","bucket")
);

-- AddForeignKey
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
