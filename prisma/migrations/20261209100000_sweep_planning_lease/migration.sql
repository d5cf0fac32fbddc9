-- A round that plans a sweep's next trials without the sweep's lock (in a thread, see
-- src/db/sweep-coordination.ts) marks the sweep until when it plans them: a trial's end that comes
-- meanwhile leaves its round to that one (whose count of ended trials after its commit finds it)
-- instead of planning the same trials too. Null when no round plans; a mark past its time (its
-- round's process ended) is not one.

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "planning_until" TIMESTAMPTZ(6);
