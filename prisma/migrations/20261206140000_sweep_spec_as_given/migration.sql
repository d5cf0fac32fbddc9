-- A sweep's spec is kept as it was submitted, its keys in their order: jsonb gives an object's
-- keys back sorted by length, then bytes, and the order of a sweep's parameters is what its
-- `when`s refer to ("a parameter listed before"), what an array index may append after, and the
-- order its samplers draw in, so that a seed replays the same trials in `descent sweep` and in
-- the service. Sweeps stored before keep jsonb's order, which the coordinator and the sweep's
-- view put back in an order their conditions hold in (conditionsFirst). Nothing reads into the
-- column with jsonb's operators.
ALTER TABLE "sweeps" ALTER COLUMN "spec" TYPE json USING "spec"::json;
