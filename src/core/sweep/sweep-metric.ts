/**
 * What a sweep ranks its trials by. `finalLoss` (the loss at the returned parameters) and
 * `bestLoss` (the best monitored value, `best.value`) come from the run's result;
 * `valLoss` and `valAccuracy` are the best over the trial's recorded steps. Pruners compare the
 * per-step field the metric is made of (loss, valLoss or valAccuracy).
 */
import { z } from 'zod';
import type { Goal } from './trial.ts';

const sweepMetricNames = ['finalLoss', 'bestLoss', 'valLoss', 'valAccuracy'] as const;
export type SweepMetricName = (typeof sweepMetricNames)[number];

export const sweepMetrics: Record<SweepMetricName, { readonly stepField: 'loss' | 'valLoss' | 'valAccuracy'; readonly defaultGoal: Goal }> = {
  finalLoss: { stepField: 'loss', defaultGoal: 'minimize' },
  bestLoss: { stepField: 'loss', defaultGoal: 'minimize' },
  valLoss: { stepField: 'valLoss', defaultGoal: 'minimize' },
  valAccuracy: { stepField: 'valAccuracy', defaultGoal: 'maximize' },
};

export const sweepMetricSchema = z
  .strictObject({
    name: z.enum(sweepMetricNames).default('bestLoss').describe("finalLoss (the result's loss at the returned parameters), bestLoss (the result's best.value: the best monitored value), valLoss or valAccuracy (best over recorded steps)."),
    goal: z.enum(['minimize', 'maximize']).optional().describe('Default: maximize for valAccuracy, else minimize.'),
    target: z.number().optional().describe('Stop the sweep once a trial reaches this value (at or beyond it in the goal\'s direction).'),
  })
  .describe('What trials are ranked by.');

export type SweepMetric = z.output<typeof sweepMetricSchema>;

export function metricGoal(metric: SweepMetric): Goal {
  return metric.goal ?? sweepMetrics[metric.name].defaultGoal;
}

/** Whether `value` reaches the metric's target. */
export function reachesTarget(metric: SweepMetric, value: number | null): boolean {
  if (metric.target === undefined || value === null || Number.isNaN(value)) return false;
  return metricGoal(metric) === 'minimize' ? value <= metric.target : value >= metric.target;
}

/** The trial statuses that have a value of the metric (a failed or cancelled trial has none). */
const valuedStatuses: ReadonlySet<string> = new Set(['completed', 'early_stopped', 'diverged', 'pruned']);

/** What a trial's value is read from in its stored result. */
interface ValuedResult {
  readonly finalLoss?: number | null;
  readonly best?: { readonly value?: number | null } | null;
}

/**
 * A trial's value of the metric from how it ended, as its final write stores it: the metric as
 * its name says, whether the trial finished or was pruned (a pruned trial's `finalLoss` and
 * `best.value` are its result's, at the step it stopped; what its pruner compared is
 * `result.pruning.value`, which the samplers read, see plan-round.ts). NaN when its result has
 * none (a diverged run's loss). Null when it has no value (failed, cancelled) or when the value is
 * the best over the trial's stored steps (valLoss, valAccuracy), read where they are stored.
 */
export function trialValueOf(metric: SweepMetricName, status: string, result: ValuedResult): number | null {
  if (!valuedStatuses.has(status)) return null;
  if (metric === 'valLoss' || metric === 'valAccuracy') return null;
  const value = metric === 'finalLoss' ? result.finalLoss : result.best?.value;
  // As stored in JSON and read back as a float8: a value JSON cannot hold (NaN, ±Infinity) is none.
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
}
