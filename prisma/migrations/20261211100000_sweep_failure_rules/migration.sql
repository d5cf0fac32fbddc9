-- Whether a sweep ends on its trials' failures without budget.maxFailedTrials (10 failed trials in
-- a row) and ends failed when every trial failed: true for sweeps stored from now on, false for
-- those stored before, which keep the rules they were submitted under (no failure limit without
-- maxFailedTrials, and an ending by their budget or grid).

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "failure_rules" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "sweeps" ALTER COLUMN "failure_rules" SET DEFAULT true;
