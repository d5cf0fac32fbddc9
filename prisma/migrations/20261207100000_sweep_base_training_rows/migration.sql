-- What the API learnt of a sweep's base objective as it checked the sweep: {"trainingRows": n},
-- null for a function. The coordinator gives each trial whose objective is the base's the
-- metric_rows_bound of its epochs' updates over those rows (metricRowsBound), as the API gives a
-- run of its own: from its spec alone, a trial that `training.epochs` ends reserved 10⁹ rows, and
-- a trial beside another such one was stopped by the tenant's quota at its first step. Sweeps
-- stored before have none: their trials keep their spec's bound.
ALTER TABLE "sweeps" ADD COLUMN "base_objective" jsonb;
