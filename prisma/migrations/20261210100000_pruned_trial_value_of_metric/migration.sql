-- A pruned trial's stored value (runs.trial_value: its value on its sweep's leaderboard) is its
-- value of the sweep's metric, as a finished trial's is: finalLoss or best.value from its result,
-- or the best of its recorded valLoss or valAccuracy. Trials pruned before held the value their
-- pruner compared instead, which their result keeps (result.pruning.value, what the samplers
-- read): they get their metric's value, NaN when their result or steps have none.
UPDATE "runs" AS r
   SET "trial_value" = coalesce(CASE s."spec"->'metric'->>'name'
         WHEN 'finalLoss' THEN (r."result"->>'finalLoss')::float8
         WHEN 'valLoss' THEN (SELECT min(m."val_loss") FILTER (WHERE m."val_loss" <> 'NaN') FROM "run_metrics" m WHERE m."run_id" = r."id")
         WHEN 'valAccuracy' THEN (SELECT max(m."val_accuracy") FILTER (WHERE m."val_accuracy" <> 'NaN') FROM "run_metrics" m WHERE m."run_id" = r."id")
         ELSE (r."result"->'best'->>'value')::float8
       END, 'NaN')
  FROM "sweeps" AS s
 WHERE r."sweep_id" = s."id" AND r."sweep_id" IS NOT NULL AND r."status" = 'pruned';
