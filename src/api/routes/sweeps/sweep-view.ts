/** Stored sweeps and trials as clients see them (shapes: src/contracts/sweep-view.ts). */
import { trialStatuses, type SweepView, type TrialView } from '../../../contracts/sweep-view.ts';
import type { SweepSpec } from '../../../contracts/sweep-spec.ts';
import { conditionsFirst } from '../../../core/sweep/index.ts';
import { isFinalRunStatus } from '../../../contracts/run-status.ts';
import type { BestTrial, SweepRow, TrialRow } from '../../../db/sweeps.ts';
import { finiteOrNull } from '../../../core/training/non-finite-entries.ts';

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/** The stored spec with its parameters after those their conditions name, as it validates (a sweep stored as jsonb has its keys sorted, see conditionsFirst). */
const specInOrder = (stored: SweepSpec): SweepSpec => ({ ...stored, parameters: conditionsFirst(stored.parameters) });

export function toSweepView(sweep: SweepRow, counts: Record<string, number> = {}, best: BestTrial | null = null, now = new Date()): SweepView {
  const spec = specInOrder(sweep.spec as SweepSpec);
  const trials = Object.fromEntries(trialStatuses.map((status) => [status, counts[status] ?? 0])) as SweepView['trials'];
  const total = trialStatuses.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  const finished = trialStatuses.filter((status) => isFinalRunStatus(status)).reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  const maxTrials = spec.budget.maxTrials ?? total;
  const end = sweep.finishedAt ?? now;
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    createdAt: sweep.createdAt.toISOString(),
    startedAt: isoOrNull(sweep.startedAt),
    finishedAt: isoOrNull(sweep.finishedAt),
    spec,
    trials: { ...trials, total },
    best: best && Number.isFinite(best.value) ? { runId: best.runId, trialNumber: best.trialNumber, value: best.value, parameters: best.parameters } : null,
    progress: {
      trials: finished,
      maxTrials,
      fraction: maxTrials === 0 ? 1 : finished / maxTrials,
      elapsedSeconds: sweep.startedAt ? (end.getTime() - sweep.startedAt.getTime()) / 1000 : null,
      timeLimitSeconds: spec.budget.timeLimitSeconds ?? null,
    },
    result: (sweep.result ?? null) as SweepView['result'],
  };
}

export function toTrialView(trial: TrialRow): TrialView {
  const pruning = (trial.result?.pruning ?? null) as TrialView['pruning'];
  return {
    runId: trial.runId,
    trialNumber: trial.trialNumber,
    status: trial.status as TrialView['status'],
    value: finiteOrNull(trial.value),
    parameters: trial.parameters ?? {},
    steps: trial.result?.steps ?? null,
    stopReason: trial.result?.stopReason ?? null,
    message: trial.result?.message ?? null,
    pruning,
    createdAt: trial.createdAt.toISOString(),
    finishedAt: isoOrNull(trial.finishedAt),
  };
}

/**
 * A page of trials as CSV: one row per trial, one column per parameter (dotted paths as headers);
 * `shown` is how many trials the walk of the leaderboard showed before the page's first (its rank
 * column goes on from it), null in trial order (the rank column is empty).
 */
export function trialsCsv(spec: SweepSpec, trials: readonly TrialView[], shown: number | null): string {
  const parameters = Object.keys(specInOrder(spec).parameters);
  const quote = (value: unknown) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const header = ['rank', 'trialNumber', 'runId', 'status', 'value', 'steps', 'stopReason', ...parameters, 'message'];
  const lines = trials.map((trial, index) =>
    [shown === null ? null : shown + index + 1, trial.trialNumber, trial.runId, trial.status, trial.value, trial.steps, trial.stopReason, ...parameters.map((name) => trial.parameters[name]), trial.message]
      .map(quote)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
