/**
 * The pruning of one trial, as its worker drives it. The worker runs the trial to the first
 * recorded step at or past the pruner's next decision step (`stepsToNextCheck`), stores that
 * slice, then asks here: one indexed query reads every trial of the sweep with its value at
 * this step (run_metrics' key is (run_id, step)), its status and pruning, and this trial's best
 * value so far; the pruner decides from those. A trial resumed after a crash checks at the same
 * steps, from what is stored, so it decides as the interrupted attempt would have.
 */
import type { SweepSpec } from '../../contracts/sweep-spec.ts';
import { createPruner, decideAmongTrials, isCheckStep, metricGoal, nextCheckStep, sweepMetrics, type PruningDecision } from '../../core/sweep/index.ts';
import type { Pool } from '../../db/pool.ts';

const columnByField = { loss: 'loss', valLoss: 'val_loss', valAccuracy: 'val_accuracy' } as const;

export interface TrialPruning {
  /** Updates to make from `step` before the next decision (Infinity: none left). */
  stepsToNextCheck(step: number): number;
  /** At a stored step: the decision, or null when this step decides nothing. */
  decideAt(step: number): Promise<PruningDecision | null>;
}

export function createTrialPruning(pool: Pool, options: { sweepId: string; runId: string; spec: SweepSpec; recordEvery: number }): TrialPruning | null {
  const { sweepId, runId, spec, recordEvery } = options;
  if (spec.pruner.type === 'none') return null;
  const pruner = createPruner(spec.pruner);
  const goal = metricGoal(spec.metric);
  const field = sweepMetrics[spec.metric.name].stepField;
  const column = columnByField[field];
  const best = goal === 'minimize' ? 'min' : 'max';
  const statement = {
    name: `trial-pruning-${column}-${best}`,
    text: `SELECT r.id = $3 AS self, r.status, m.${column} AS value, r.result->'pruning' AS pruning,
                  CASE WHEN r.id = $3 THEN (SELECT ${best}(b.${column}) FILTER (WHERE b.${column} <> 'NaN')
                                              FROM run_metrics b WHERE b.run_id = $3 AND b.step <= $2) END AS best
             FROM runs r LEFT JOIN run_metrics m ON m.run_id = r.id AND m.step = $2
            WHERE r.sweep_id = $1`,
  };
  return {
    stepsToNextCheck: (step) => nextCheckStep(pruner, step, recordEvery) - step,
    async decideAt(step) {
      if (!isCheckStep(pruner, step, recordEvery)) return null;
      const { rows } = await pool.query<{ self: boolean; status: string; value: number | null; pruning: { step?: number; rung?: number | null } | null; best: number | null }>({
        ...statement,
        values: [sweepId, step, runId],
      });
      const own = rows.find((row) => row.self);
      if (!own || own.value === null) return null;
      const at = { step, previousStep: step - recordEvery >= 1 ? step - recordEvery : null, goal, metric: field };
      return decideAmongTrials(pruner, at, { value: own.value, best: own.best }, rows.filter((row) => !row.self));
    },
  };
}
