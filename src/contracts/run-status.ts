/**
 * A run's statuses, each once: whether a run ever leaves it, and whether a run that ended in it
 * has a value that ranks (a sweep's leaderboard, its best trial). The database enum, the API,
 * the worker, the sweeps and the dashboard (served as /dashboard/contracts.js) read this table.
 */
import { z } from 'zod';
import { stopReasonRegistry, type StopReason } from '../core/training/index.ts';

export const runStatusRegistry = {
  queued: { final: false, ranked: false, description: 'Accepted and waiting for a worker.' },
  running: { final: false, ranked: false, description: 'A worker is running it; progress says how far.' },
  completed: { final: true, ranked: true, description: 'Ended by a stopping condition (result.stopReason says which).' },
  early_stopped: { final: true, ranked: true, description: 'Early stopping ended it.' },
  diverged: { final: true, ranked: true, description: 'The loss, a gradient or a parameter stopped being finite.' },
  failed: { final: true, ranked: false, description: 'It could not run or go on; result.message says why.' },
  cancelled: { final: true, ranked: false, description: 'A client cancelled it.' },
  pruned: { final: true, ranked: false, description: "A sweep's pruner stopped the trial; result.pruning says why." },
} as const satisfies Record<string, { final: boolean; ranked: boolean; description: string }>;

export type RunStatus = keyof typeof runStatusRegistry;
type StatusWhere<K extends 'final' | 'ranked', V extends boolean> = {
  [S in RunStatus]: (typeof runStatusRegistry)[S][K] extends V ? S : never;
}[RunStatus];
export type FinalRunStatus = StatusWhere<'final', true>;

const statusesWhere = <K extends 'final' | 'ranked'>(key: K) =>
  (Object.keys(runStatusRegistry) as RunStatus[]).filter((status) => runStatusRegistry[status][key]);

export const runStatuses = Object.keys(runStatusRegistry) as [RunStatus, ...RunStatus[]];
/** Statuses a run never leaves. */
export const finalRunStatuses = statusesWhere('final') as FinalRunStatus[];
/** Statuses whose runs have a value that ranks: a sweep's metric is read from these trials only. */
export const rankedRunStatuses = statusesWhere('ranked') as StatusWhere<'ranked', true>[];

const finalSet: ReadonlySet<string> = new Set(finalRunStatuses);
export const isFinalRunStatus = (status: string): status is FinalRunStatus => finalSet.has(status);

export const runStatusSchema = z
  .enum(runStatuses)
  .meta({ id: 'RunStatus', description: runStatuses.map((status) => `\`${status}\`: ${runStatusRegistry[status].description}`).join(' ') });

// Every stop reason ends in a final status of this table.
const _stopReasonsEndFinal: { [R in StopReason]: FinalRunStatus } = Object.fromEntries(
  Object.entries(stopReasonRegistry).map(([reason, { endsIn }]) => [reason, endsIn]),
) as { [R in StopReason]: (typeof stopReasonRegistry)[R]['endsIn'] };
void _stopReasonsEndFinal;

/** Statuses a run is still in on its way to a final one. */
export const activeRunStatuses = runStatuses.filter((status) => !runStatusRegistry[status].final);
