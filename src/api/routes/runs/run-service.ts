/** Submitting, reading and listing runs for one tenant. */
import type { ClientSignal } from '../../objective-thread/objective-thread.ts';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceDeletion } from '../../../db/resource-deletion.ts';
import { RunQuotaError, type JsonValue, type NewRun, type Run, type RunListQuery, type RunRepository } from '../../../db/runs.ts';
import { isDatabaseUnavailable } from '../../../db/database-unavailable.ts';
import { isPoolBusy } from '../../../db/pool-busy.ts';
import type { StrandedRuns } from '../../../db/stranded-runs.ts';
import { metricRowsBound } from '../../../db/metric-rows-use.ts';
import type { TenantQuotas } from '../../../config/config.ts';
import { quotaExceeded } from '../../errors/quota-exceeded.ts';
import type { Redis } from '../../../queue/connection.ts';

import { requestCancel, stopRunning, tellCancelledQueued } from '../../../queue/run-cancellation.ts';
import type { RunEnqueuer, RunsQueue } from '../../../queue/runs-queue.ts';
import { wakeSweep, type SweepsQueue } from '../../../queue/sweeps-queue.ts';
import type { RunSpec } from '../../../contracts/run-spec.ts';
import { replicaShortage } from '../../../core/parallel/index.ts';
import { AppError, noSuch } from '../../errors/app-error.ts';
import { cursorPage } from '../cursor-page.ts';
import { assertDeleted } from '../deletion-answer.ts';
import type { ObjectiveService } from '../objectives/objective-service.ts';
import { objectiveProblem } from '../objectives/objective-problems.ts';
import { resultWithoutParams } from '../../../contracts/run-result.ts';
import { isUuid } from '../../../db/uuid.ts';
import { assertWorkerCanHold } from './worker-memory-limit.ts';

export interface RunServiceDependencies {
  readonly runs: RunRepository;
  /** Removes the job of a run cancelled before it started. */
  readonly runsQueue: RunsQueue;
  /** Enqueues submitted runs, sharing round trips to Redis between concurrent submissions. */
  readonly runEnqueuer: RunEnqueuer;
  readonly objectives: ObjectiveService;
  /** Cancel flags and run events. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly deletion: ResourceDeletion;
  /** Ends a running run that no worker drives. */
  readonly strandedRuns: StrandedRuns;
  /** Wakes the sweep of a trial cancelled at once. */
  readonly sweepsQueue: SweepsQueue;
  readonly quotas: Pick<TenantQuotas, 'maxActiveRuns' | 'maxMetricRows'>;
  /** Bytes a worker may hold for one run (WORKER_MAX_RUN_BYTES). */
  readonly maxRunBytes: number;
}

/** The result of a run cancelled before a worker started it. */
const cancelledBeforeStart = resultWithoutParams('cancelled', 'Cancelled before it started.');

/** JSON as PostgreSQL's jsonb gives it back (keys reordered, undefined dropped), for comparisons. */
const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** The answer to a run id the tenant has no run of (a malformed id included). */
export const runNotFound = (id: string): AppError => noSuch('run', id);

export function createRunService({ runs, runsQueue, runEnqueuer, objectives, redis, queuePrefix, deletion, strandedRuns, sweepsQueue, quotas, maxRunBytes }: RunServiceDependencies) {
  const stopping = { redis, queuePrefix, runsQueue, strandedRuns };

  /**
   * The run, cancelled at once, read again; a trial's cancel wakes its sweep, which would
   * otherwise see it only at its periodic check (no worker ends it, and tells it). Should the
   * wake-up be lost, that check still looks.
   */
  async function cancelledAtOnce(tenantId: string, run: Run): Promise<{ run: Run; pending: false }> {
    if (run.sweepId !== null) await wakeSweep(sweepsQueue, run.sweepId, run.id).catch(() => undefined);
    return { run: await get(tenantId, run.id), pending: false };
  }
  async function get(tenantId: string, id: string): Promise<Run> {
    const run = isUuid(id) ? await runs.findForTenant(tenantId, id) : null;
    if (!run) throw runNotFound(id);
    return run;
  }

  /**
   * Stores the run within its tenant's quotas (see RunRepository.create); a refusal is the quota's
   * problem, or, for a stored objective or dataset deleted since the run's was checked, the 404
   * the check would now answer.
   */
  async function submitWithinQuotas(run: NewRun): ReturnType<RunRepository['create']> {
    try {
      return await runs.create(run, quotas);
    } catch (error) {
      if (error instanceof RunQuotaError) throw quotaExceeded(error.quota === 'activeRuns' ? 'TENANT_MAX_ACTIVE_RUNS' : 'TENANT_MAX_METRIC_ROWS', error);
      throw objectiveProblem(error, 'objective');
    }
  }

  return {
    async submit(tenantId: string, spec: RunSpec, idempotencyKey: string | undefined, signal?: ClientSignal): Promise<{ run: Run; replayed: boolean }> {
      // A run that could never start is refused here, before it is stored or queued.
      const inspection = await objectives.assertRunnable(tenantId, spec.objective, spec, signal);
      const shortage = replicaShortage(spec.parallel, inspection.trainingRows);
      if (shortage) {
        throw new AppError(400, 'validation_failed', 'The request is invalid', {
          detail: 'The request body is invalid: parallel.replicas.',
          errors: [{ path: 'parallel.replicas', message: shortage, code: 'too_many_replicas' }],
        });
      }
      assertWorkerCanHold(spec, inspection, maxRunBytes);
      // The rows it may record, its epochs' updates counted from its data (see metricRowsBound).
      const rowsBound = metricRowsBound(spec, inspection.trainingRows);
      // Stored only if it fits the tenant's quotas with the runs stored before it (those submitted
      // at the same time before it included); a replay of a run already accepted is never refused.
      const { run, created, place } = await submitWithinQuotas({ tenantId, spec: spec as JsonValue, idempotencyKey, metricRowsBound: rowsBound });
      if (!created && !isDeepStrictEqual(asStored(run.spec), asStored(spec))) {
        throw new AppError(409, 'idempotency_key_reused', 'Idempotency key reused', {
          detail: `The Idempotency-Key was already used for run ${run.id} with a different spec.`,
        });
      }
      // Enqueued on replay too: jobId = runId makes it a no-op when the job exists, and it
      // repairs a first attempt that stored the run but could not reach Redis.
      if (run.status === 'queued') {
        try {
          // The stored spec (as PostgreSQL gives it back) rides in the job: its worker need not read it.
          await runEnqueuer.enqueue(run.id, place, run.spec);
        } catch (error) {
          if (created && idempotencyKey === undefined) await runs.delete(run.id);
          throw new AppError(503, 'queue_unavailable', 'The run queue is unavailable', {
            detail: 'The run could not be queued because Redis is unreachable; retry later.',
            headers: { 'retry-after': '5' },
            cause: error,
          });
        }
      }
      return { run, replayed: !created };
    },

    get,

    /** Deletes a finished run with its steps, rollups and checkpoints; a queued or running one is a 409. */
    async delete(tenantId: string, id: string): Promise<void> {
      assertDeleted(await deletion.deleteRun(tenantId, id), 'run', id);
    },

    list(tenantId: string, query: Omit<RunListQuery, 'after'> & { cursor?: string }) {
      return cursorPage((page) => runs.list(tenantId, {
        ...page, status: query.status, sweepId: query.sweepId, optimizer: query.optimizer, objectiveType: query.objectiveType, search: query.search,
      }), query);
    },

    /**
     * Cancels a run: a queued one at once (it never starts; `pending: false`), a running one by
     * raising its cancel flag, which its worker reads after the current slice (`pending: true`).
     * A running run that no worker drives (its job waits to be resumed, failed or is gone) ends
     * at once too (`pending: false`): no worker would read the flag (see stopRunning).
     * A run that has already finished cannot be cancelled (409).
     */
    async cancel(tenantId: string, id: string): Promise<{ run: Run; pending: boolean }> {
      const run = await get(tenantId, id);
      if (run.status === 'queued' && await runs.cancelQueued(run.id, cancelledBeforeStart)) {
        // Told once, on its channel and, for a trial, as its sweep's trial event: here when its job
        // is removed, else by the worker that holds it (it finds the run ended).
        await tellCancelledQueued(stopping, { id: run.id, result: cancelledBeforeStart, sweepId: run.sweepId, trialNumber: run.trialNumber });
        return cancelledAtOnce(tenantId, run);
      }
      const current = await get(tenantId, id);
      if (current.status !== 'running' && current.status !== 'queued') {
        throw new AppError(409, 'run_finished', 'The run has already finished', {
          detail: `Run ${id} is ${current.status}; only queued or running runs can be cancelled.`,
        });
      }
      try {
        const ended = current.status === 'running'
          ? await stopRunning(stopping, run.id, 'Cancelled while no worker was running it.')
          : await requestCancel(redis, queuePrefix, run.id).then(() => null);
        if (ended) return await cancelledAtOnce(tenantId, run);
      } catch (error) {
        // The database's outage and a busy pool are their own 503s (see the error handler); anything else here is Redis.
        if (isDatabaseUnavailable(error) || isPoolBusy(error)) throw error;
        throw new AppError(503, 'queue_unavailable', 'The run queue is unavailable', {
          detail: 'The cancel request could not be recorded because Redis is unreachable; retry later.',
          headers: { 'retry-after': '5' },
          cause: error,
        });
      }
      return { run: current, pending: true };
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
