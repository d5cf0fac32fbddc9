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
