-- A deployment's ended sweeps, by end: at each pass the sweep reconciler reads those that ended
-- within the last day (the lifetime of the marker that says a sweep's end was told, see
-- src/queue/end-told.ts), and tells the end of each whose marker is not set: an end its ender
-- could not tell (Redis unreachable as the sweep ended, or its worker stopped before telling it).
--
-- Sweeps are held for writes while it is built, reading the whole sweeps table (every sweep the
-- deployment ever had): every sweep submission, coordination round and cancel waits meanwhile
-- (reads go on), about 0.2 seconds per 100,000 sweeps read from memory, longer from disk. Only the wait for the lock is
-- bounded: a transaction holding sweeps longer than 5 seconds makes the migration fail and roll
-- back, having changed nothing, and starting again applies it.
SET LOCAL lock_timeout = '5s';

CREATE INDEX "sweeps_ended_idx" ON "sweeps" ("queue_prefix", "finished_at")
  WHERE "status" IN ('completed', 'cancelled', 'failed');
