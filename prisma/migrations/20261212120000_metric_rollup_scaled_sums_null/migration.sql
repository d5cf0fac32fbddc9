-- A rollup's scaled part of a sum (values of 2^959 and more, times 2^-64) is NULL where the
-- bucket has none, as nearly every bucket: a NULL is a bit of the row's null bitmap, a 0 took 8
-- bytes, 48 a row for the six fields (src/db/metric-rollups.ts). Reads and the upsert take NULL as
-- 0; the rows stored before keep their 0, read as before. Only the columns' definitions change:
-- no row is rewritten.
ALTER TABLE "metric_rollups"
  ALTER COLUMN "loss_sum_scaled" DROP NOT NULL, ALTER COLUMN "loss_sum_scaled" DROP DEFAULT,
  ALTER COLUMN "val_loss_sum_scaled" DROP NOT NULL, ALTER COLUMN "val_loss_sum_scaled" DROP DEFAULT,
  ALTER COLUMN "val_accuracy_sum_scaled" DROP NOT NULL, ALTER COLUMN "val_accuracy_sum_scaled" DROP DEFAULT,
  ALTER COLUMN "grad_norm_sum_scaled" DROP NOT NULL, ALTER COLUMN "grad_norm_sum_scaled" DROP DEFAULT,
  ALTER COLUMN "learning_rate_sum_scaled" DROP NOT NULL, ALTER COLUMN "learning_rate_sum_scaled" DROP DEFAULT,
  ALTER COLUMN "update_norm_sum_scaled" DROP NOT NULL, ALTER COLUMN "update_norm_sum_scaled" DROP DEFAULT;
