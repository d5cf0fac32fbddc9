-- A rollup keeps each field's sum in two parts that cannot overflow: `<field>_sum` the values
-- under 2^959 in magnitude, `<field>_sum_scaled` the larger ones times 2^-64 (src/db/metric-rollups.ts),
-- so a bucket's mean stays known whatever its values. Existing rows start the scaled part at 0
-- and keep their sums as they are, saturated to ±Infinity (NaN both ways) where they passed the
-- range: such a bucket's mean reads as its max, its min or null, as before.

-- AlterTable
ALTER TABLE "metric_rollups" ADD COLUMN     "grad_norm_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "learning_rate_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "loss_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "update_norm_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "val_accuracy_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "val_loss_sum_scaled" DOUBLE PRECISION NOT NULL DEFAULT 0;
