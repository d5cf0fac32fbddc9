-- A pruned trial's stored value (runs.trial_value: its value on its sweep's leaderboard) is its
-- value of the sweep's metric, as a finished trial's is: finalLoss or best.value from its result.
-- Trials pruned before held the value their pruner compared instead, which their result keeps
-- (result.pruning.value, what the samplers read): those of sweeps over finalLoss or bestLoss get
-- their metric's value, NaN when their result has none. Those of sweeps over valLoss or
-- valAccuracy keep the value they hold (the best so far of that metric at the pruning step for
-- the median rule, its value at the rung for ASHA): the best of their recorded steps cannot be
-- told from what is left once metrics retention has kept only a finished run's last step.
UPDATE "runs" AS r
   SET "trial_value" = v."value"
  FROM (SELECT t."id",
               coalesce(CASE s."spec"->'metric'->>'name'
                 WHEN 'finalLoss' THEN (t."result"->>'finalLoss')::float8
                 ELSE (t."result"->'best'->>'value')::float8
               END, 'NaN') AS "value"
          FROM "runs" AS t JOIN "sweeps" AS s ON s."id" = t."sweep_id"
         WHERE t."status" = 'pruned' AND coalesce(s."spec"->'metric'->>'name', 'bestLoss') IN ('finalLoss', 'bestLoss')) AS v
 WHERE r."id" = v."id" AND r."trial_value" IS DISTINCT FROM v."value";
