/** Submitting, reading and listing runs for one tenant. */
import { isDeepStrictEqual } from 'node:util';
import type { JsonValue, Run, RunRepository, RunStatus } from '../../../db/runs.ts';
import { enqueueRun, type RunsQueue } from '../../../queue/runs-queue.ts';
import type { RunSpec } from '../../../contracts/run-spec.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RunServiceDependencies {
  readonly runs: RunRepository;
  readonly runsQueue: RunsQueue;
}

/** JSON as PostgreSQL's jsonb gives it back (keys reordered, undefined dropped), for comparisons. */
const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

export function createRunService({ runs, runsQueue }: RunServiceDependencies) {
  return {
    async submit(tenantId: string, spec: RunSpec, idempotencyKey: string | undefined): Promise<{ run: Run; replayed: boolean }> {
      const { run, created } = await runs.create({ tenantId, spec: spec as JsonValue, idempotencyKey });
      if (!created && !isDeepStrictEqual(asStored(run.spec), asStored(spec))) {
        throw new AppError(409, 'idempotency_key_reused', 'Idempotency key reused', {
          detail: `The Idempotency-Key was already used for run ${run.id} with a different spec.`,
        });
      }
      // Enqueued on replay too: jobId = runId makes it a no-op when the job exists, and it
      // repairs a first attempt that stored the run but could not reach Redis.
      if (run.status === 'queued') {
        try {
          await enqueueRun(runsQueue, run.id);
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

    async get(tenantId: string, id: string): Promise<Run> {
      const run = uuidPattern.test(id) ? await runs.findForTenant(tenantId, id) : null;
      if (!run) throw notFound('Run', `There is no run ${id}.`);
      return run;
    },

    async list(tenantId: string, query: { status?: RunStatus; sweepId?: string; limit: number; cursor?: string }) {
      const page = await runs.list(tenantId, {
        status: query.status,
        sweepId: query.sweepId,
        limit: query.limit + 1,
        after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      });
      const items = page.slice(0, query.limit);
      const last = items.at(-1);
      return { items, nextCursor: page.length > query.limit && last ? encodeCursor(last) : null };
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
