-- The ending that stopped a sweep's trials (`target_reached`, `too_many_failures`, `time_limit`,
-- `refused_spec`) while it waits for them to end: the sweep then ends with it, whatever else comes
-- to hold meanwhile (src/worker/sweeps/plan-round.ts). Null while none has. A sweep stopping as the
-- migration runs has none: its next round finds the strongest ending that holds, and keeps it.
-- Only a column is added: no row is rewritten.

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "stopping" TEXT;
