/** Runs: the stored spec, status, live progress and final result of every optimization. */
import type { Database } from './client.ts';
import { Prisma, type Run, type RunStatus } from '../generated/prisma/client.ts';

export type { Run, RunStatus };

export const runStatuses = ['queued', 'running', 'completed', 'early_stopped', 'diverged', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];
/** Statuses a run never leaves. */
export const finalRunStatuses = ['completed', 'early_stopped', 'diverged', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];

export type JsonValue = Prisma.InputJsonValue;

export interface NewRun {
  readonly tenantId: string;
  readonly spec: JsonValue;
  readonly idempotencyKey?: string;
  readonly sweepId?: string;
  readonly trialIndex?: number;
}

/** Position in the newest-first listing: the last run of the previous page. */
export interface RunCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface RunListQuery {
  readonly status?: RunStatus;
  readonly sweepId?: string;
  readonly after?: RunCursor;
  readonly limit: number;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export function createRunRepository(database: Database) {
  return {
    /**
     * Stores a queued run. With an idempotency key already used by this tenant, returns the
     * earlier run instead (`created: false`); concurrent duplicates resolve through the unique index.
     */
    async create(run: NewRun): Promise<{ run: Run; created: boolean }> {
      const data = {
        tenantId: run.tenantId,
        spec: run.spec,
        idempotencyKey: run.idempotencyKey ?? null,
        sweepId: run.sweepId ?? null,
        trialIndex: run.trialIndex ?? null,
      };
      if (run.idempotencyKey === undefined) return { run: await database.run.create({ data }), created: true };
      const where = { tenantId_idempotencyKey: { tenantId: run.tenantId, idempotencyKey: run.idempotencyKey } };
      const existing = await database.run.findUnique({ where });
      if (existing) return { run: existing, created: false };
      try {
        return { run: await database.run.create({ data }), created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return { run: await database.run.findUniqueOrThrow({ where }), created: false };
      }
    },

    /** The run if it belongs to the tenant; another tenant's run is as absent as a missing one. */
    async findForTenant(tenantId: string, id: string): Promise<Run | null> {
      return database.run.findFirst({ where: { id, tenantId } });
    },

    async findById(id: string): Promise<Run | null> {
      return database.run.findUnique({ where: { id } });
    },

    /** Newest first; keyset pagination on (createdAt, id) so pages stay stable while runs are added. */
    async list(tenantId: string, query: RunListQuery): Promise<Run[]> {
      const after = query.after;
      return database.run.findMany({
        where: {
          tenantId,
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.sweepId === undefined ? {} : { sweepId: query.sweepId }),
          ...(after === undefined
            ? {}
            : { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: query.limit,
      });
    },

    /** Queued (or interrupted running) → running; counts the attempt. Null when the run is already final. */
    async markRunning(id: string): Promise<Run | null> {
      const { count } = await database.run.updateMany({
        where: { id, status: { in: ['queued', 'running'] } },
        data: { status: 'running', startedAt: new Date(), attempts: { increment: 1 } },
      });
      return count === 0 ? null : database.run.findUnique({ where: { id } });
    },

    async updateProgress(id: string, progress: JsonValue, earlyStopping?: JsonValue): Promise<void> {
      await database.run.update({
        where: { id },
        data: { progress, ...(earlyStopping === undefined ? {} : { earlyStopping }) },
      });
    },

    /** Records the final status and result; a run already final keeps its first ending. */
    async finish(id: string, status: (typeof finalRunStatuses)[number], result: JsonValue): Promise<boolean> {
      const { count } = await database.run.updateMany({
        where: { id, status: { in: ['queued', 'running'] } },
        data: { status, result, finishedAt: new Date() },
      });
      return count === 1;
    },

    /** Queued → cancelled, so the run never starts; false when it is no longer queued. */
    async cancelQueued(id: string, result: JsonValue): Promise<boolean> {
      const { count } = await database.run.updateMany({
        where: { id, status: 'queued' },
        data: { status: 'cancelled', result, finishedAt: new Date() },
      });
      return count === 1;
    },

    async delete(id: string): Promise<void> {
      await database.run.deleteMany({ where: { id } });
    },
  };
}

export type RunRepository = ReturnType<typeof createRunRepository>;
