/**
 * Drives one run of the core's loop in slices. Each slice makes updates until a deadline (or a
 * number of recorded rows) is reached, then commits its metric rows and a checkpoint in one
 * transaction, publishes progress while reading the cancel flag, and yields to the event loop, so that
 * BullMQ's lock renewal, cancellation and progress keep working during long runs and a crash
 * loses at most the slice in flight. A worker that is stopping ends the attempt at a slice
 * boundary, right after a checkpoint, with a WorkerStoppingError. One that lost its job's lock
 * (see `holdLock`) ends before its next slice with a JobLockLostError.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { finalStatusOf, restated, type RunLoop, type RunResult } from '../../core/training/index.ts';
import { keepsRollups } from '../../db/metric-rollups.ts';
import type { MetricsWriter } from '../../db/metrics-writer.ts';
import { sendCorkedWrites } from '../../queue/connection.ts';
import type { RunAnnouncer } from '../../queue/run-announcer.ts';
import type { TenantPlace } from '../../queue/tenant-places.ts';
import { toMetricBatch } from '../metric-batch.ts';
import { ProgressPublisher } from '../progress-publisher.ts';
import { WorkerStoppingError } from '../outages.ts';
import type { PruningDecision } from '../../core/sweep/index.ts';
import type { TrialPruning } from '../sweeps/trial-pruning.ts';
import type { WorkerMetrics } from '../worker-metrics.ts';

export interface SliceSettings {
  /** Wall-clock length of a slice, at least (it grows when writes are slow, see below). */
  readonly sliceMs: number;
  /** Recorded rows per slice, at most. */
  readonly maxRowsPerSlice: number;
}

/** The attempt's delivery lost its job's lock: it stops writing, leaving the run to the job's next delivery. */
export class JobLockLostError extends Error {
  override readonly name = 'JobLockLostError';
}

export const defaultSliceSettings: SliceSettings = { sliceMs: 50, maxRowsPerSlice: 5_000 };

/**
 * Slices never get longer than this, however slow the writes: cancellation waits for a slice.
 * Only a large state's checkpoint, whose taking and encoding hold the event loop for long, makes
 * them longer, to keep its share at a fifth too; the job's lock is extended to cover them.
 */
const longestSliceMs = 1_000;

export interface SliceDependencies {
  readonly writer: MetricsWriter;
  readonly announcer: RunAnnouncer;
  /** Milliseconds from any origin. */
  readonly clock: () => number;
  readonly settings: SliceSettings;
  /** Told of every stored slice and of the run's end (the worker's Prometheus metrics). */
  readonly metrics?: WorkerMetrics;
}

export interface SlicedRun {
  readonly runId: string;
  /** When this attempt started: its first slice marks the run running, started then. */
  readonly startedAt: Date;
  /** The core's run, fresh or restored from the checkpoint at `fromStep`. */
  readonly engine: RunLoop;
  /** Updates between two recorded steps. */
  readonly recordEvery: number;
  readonly recordParams: boolean;
  /** Step of the checkpoint the engine was restored from (0 for a fresh run). */
  readonly fromStep: number;
  /** Seconds the run had already run before this attempt (from the checkpoint). */
  readonly elapsedSeconds: number;
  /** A sweep trial's pruner: slices end at its decision steps, where it may stop the trial. */
  readonly pruning?: TrialPruning | null;
  /**
   * Keeps the job's lock for `ms` more than its usual duration: the next slice and its checkpoint
   * hold the event loop about that long, and the worker cannot renew the lock meanwhile. False
   * when the lock is lost: the job went back to the queue (its delivery stalled), and another
   * delivery may be at the run already.
   */
  readonly holdLock?: (ms: number) => Promise<boolean>;
  /** Aborted when the worker stops: the attempt ends after the slice in flight is stored. */
  readonly stopping?: AbortSignal;
  /** The run's tenant place: the announcement of the slice that ends the run gives it back. */
  readonly place?: TenantPlace;
  /**
   * Metric rows this attempt may still store under its tenant's quota (absent: no limit). Slices
   * are cut so as not to pass it, and the run ends with stop reason `metric_rows_quota` on reaching it.
   */
  readonly metricRowsLeft?: number;
  /** A message to publish with the run's final status, given that status, on another channel (a trial's end, on its sweep's). */
  readonly endNotice?: (status: string) => { readonly channel: string; readonly message: string };
  /** A sweep trial's value of its sweep's metric, given how it ended: stored with its end. */
  readonly trialValue?: (ending: { readonly status: string; readonly result: RunResult }) => number | null;
}

/** A trial its pruner stopped: status `pruned`, the decision as `result.pruning`, its sentence as the message (then what it says of the parameters). */
function prunedEnding(result: RunResult, { prune: _prune, message, ...pruning }: PruningDecision) {
  return { status: 'pruned' as const, result: { ...restated(result, 'pruned', message), pruning: { ...pruning, message } } };
}

/** A run stopped at its tenant's metric-rows quota: status `cancelled`, stop reason `metric_rows_quota`. */
function quotaEnding(result: RunResult, stored: number) {
  const message = `Stopped at step ${result.steps}: the tenant's metric rows reached its quota TENANT_MAX_METRIC_ROWS `
    + `(this run stored ${stored} rows in this attempt).`;
  return { status: finalStatusOf('metric_rows_quota'), result: restated(result, 'metric_rows_quota', message) };
}

/** Drives the run to its end; resolves to how it ended, as stored (a pruned trial: status `pruned`). */
export async function driveRun(dependencies: SliceDependencies, run: SlicedRun): Promise<{ readonly status: string; readonly result: unknown }> {
  const { writer, announcer, clock, settings } = dependencies;
  const { runId, engine } = run;
  const attemptStart = clock();
  const secondsAt = (time: number) => run.elapsedSeconds + (time - attemptStart) / 1000;
  const publisher = new ProgressPublisher(announcer, runId, { step: run.fromStep, time: attemptStart }, run.place);
  const maxStepsPerSlice = settings.maxRowsPerSlice * run.recordEvery;
  const rollups = keepsRollups(engine.progress.totalSteps);
  let sliceMs = settings.sliceMs;
  let fromStep = run.fromStep;
  let sliceStart = attemptStart;
  let cancelled = false;
  // A trial resumed from the checkpoint of a slice after its pruner stopped it ends pruned all the same.
  let pruned: PruningDecision | null = engine.pruning ?? null;
  let rowsLeft = run.metricRowsLeft ?? Infinity;
  let rowsStored = 0;
  // So is a run stopped at its tenant's metric-rows quota, whatever rows the tenant has left now.
  let atQuota = engine.atQuota ?? false;
  let starting: { startedAt: Date } | undefined = { startedAt: run.startedAt };
  /** How long the last slice's updates and its checkpoint's taking and encoding held the event loop. */
  let advanceMs = 0;
  let checkpointMs = 0;

  for (;;) {
    // The ending slice may store one row, its last step: the quota stops the run one row before.
    if (rowsLeft <= 1) atQuota = true;
    if (cancelled || pruned || atQuota) engine.cancel(pruned ?? undefined, atQuota);
    const toNextCheck = run.pruning?.stepsToNextCheck(engine.progress.step) ?? Infinity;
    // k·recordEvery updates record k rows, and one more only when they end the run.
    const toQuota = Number.isFinite(rowsLeft) ? Math.max(1, rowsLeft - 1) * run.recordEvery : Infinity;
    await engine.settle?.(sliceStart + sliceMs);
    if ((await run.holdLock?.(Math.max(sliceMs, advanceMs) + checkpointMs)) === false) {
      throw new JobLockLostError(`run ${runId}: this delivery lost its job's lock; the run is left to the job's next delivery`);
    }
    // The slice holds the event loop: commands issued before it (other jobs' among them) leave first.
    sendCorkedWrites();
    const records = engine.advance({ deadline: sliceStart + sliceMs, maxSteps: Math.min(maxStepsPerSlice, toNextCheck, toQuota), lastRowOnly: atQuota });
    const sliceEnd = clock();
    advanceMs = sliceEnd - sliceStart;
    const step = engine.progress.step;
    const metrics = toMetricBatch(
      records,
      { fromStep, toStep: step, fromSeconds: secondsAt(sliceStart), toSeconds: secondsAt(sliceEnd) },
      run.recordParams,
    );
    const result = engine.result;
    const progress = result !== null || publisher.due(sliceEnd)
      ? { progress: publisher.take(engine.progress, sliceEnd, result !== null), earlyStopping: engine.earlyStopping }
      : null;
    const stopped = result?.stopReason === 'cancelled';
    const ending = result
      ? stopped && pruned ? prunedEnding(result, pruned)
        : stopped && atQuota && !cancelled ? quotaEnding(result, rowsStored + metrics.step.length)
          : { status: finalStatusOf(result.stopReason), result }
      : null;
    // A run that ended needs no checkpoint: nothing resumes from it.
    const checkpoint = ending ? null : engine.checkpoint();
    const writing = writer.write({
      runId,
      fromStep,
      metrics,
      rollups,
      ...(starting ? { starting } : {}),
      ...(progress ? { progress } : {}),
      ...(checkpoint ? { checkpoint: { step: checkpoint.step, state: checkpoint } } : {}),
      ...(ending ? { finish: ending, trialValue: run.trialValue?.(ending) ?? null } : {}),
    });
    // Taking and encoding the checkpoint hold the event loop; the database's round trips do not.
    checkpointMs = clock() - sliceEnd;
    await writing;
    dependencies.metrics?.slice((clock() - sliceStart) / 1000, step - fromStep, metrics.step.length);
    if (ending) dependencies.metrics?.finished(ending.status);
    fromStep = step;
    starting = undefined;
    rowsLeft -= metrics.step.length;
    rowsStored += metrics.step.length;
    cancelled = await publisher.slice(metrics, progress, ending, ending ? run.endNotice?.(ending.status) : undefined);
    if (ending) return ending;
    if (run.stopping?.aborted) throw new WorkerStoppingError();
    // A trial stopped by its pruner ends with that decision, which its checkpoints keep: the pruner is not asked again.
    if (run.pruning && !cancelled && !pruned) {
      const decision = await run.pruning.decideAt(step);
      if (decision?.prune) pruned = decision;
    }
    // Keep the write's share of a slice at about a fifth, whatever a checkpoint costs.
    const writeMs = clock() - sliceEnd;
    sliceMs = Math.min(Math.max(longestSliceMs, 4 * checkpointMs), Math.max(settings.sliceMs, 4 * writeMs));
    await nextMacrotask();
    sliceStart = clock();
  }
}
