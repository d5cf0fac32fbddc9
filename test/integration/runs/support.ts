/**
 * Helpers for the run-service tests: an in-process worker with the production processor, the
 * stored metrics of a run, the trajectory the CLI's code path computes for the same spec, and
 * polling until a run reaches a state.
 */
import type { FastifyInstance } from 'fastify';
import { runViewSchema } from '../../../src/contracts/run-view.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { iterateRun, type RunResult, type StepRecord } from '../../../src/core/training/index.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import type { SliceSettings } from '../../../src/worker/processors/run-slices.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import type { RunView } from '../../../src/contracts/run-view.ts';
import { eventually } from '../../support/eventually.ts';
import { silent } from '../../support/silent-logger.ts';
import { isFinalRunStatus } from '../../../src/contracts/run-status.ts';

export interface TestApi {
  readonly services: TestServices;
  readonly app: FastifyInstance;
  /** The `authorization` header of a fresh tenant's key. */
  readonly authorization: string;
  /** That tenant's name. */
  readonly tenantName: string;
}

/**
 * Opens the services, builds the app and creates a tenant key before the file's tests, and
 * closes them after; the fields are set once the file's beforeAll hooks have run.
 */
export function useTestApi(): TestApi {
  const api = {} as { -readonly [Field in keyof TestApi]: TestApi[Field] };
  beforeAll(async () => {
    api.services = await openTestServices();
    api.app = await buildTestApp(api.services);
    ({ authorization: api.authorization, tenantName: api.tenantName } = await createTenantKey(api.services.database));
  });
  afterAll(async () => {
    await api.app?.close();
    await api.services?.close();
  });
  return api;
}

/** The runs the file's tenant has stored: a refused submission leaves them as they were, whatever other files store meanwhile. */
export const storedRuns = (api: TestApi): Promise<number> => api.services.database.run.count({ where: { tenant: { name: api.tenantName } } });

export interface TestWorker {
  readonly pool: Pool;
  close(): Promise<void>;
}

/** A worker in this process on the test's queue, with the production run processor. */
export async function startTestWorker(services: TestServices, slices?: SliceSettings): Promise<TestWorker> {
  const pool = createPool(services.config.databaseUrl, 4);
  const connection = createRedis(services.config.redisUrl, 'wait-for-redis');
  const running = await startWorker({
    config: services.config,
    connection,
    processors: {
      run: createRunProcessor({ database: services.database, pool, redis: connection, queuePrefix: services.config.queuePrefix, slices }),
    },
    logger: silent,
  });
  return {
    pool,
    async close() {
      await running.close();
      await closeRedis(connection);
      await pool.end();
    },
  };
}

export interface StoredMetric {
  readonly step: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly gradNorm: number | null;
  readonly learningRate: number | null;
  readonly updateNorm: number | null;
  readonly epoch: number | null;
  readonly elapsedSeconds: number | null;
  readonly params: number[] | null;
}

/** Every stored metric row of a run, in step order (float8 values come back exactly). */
export async function storedMetrics(pool: Pool, runId: string): Promise<StoredMetric[]> {
  const { rows } = await pool.query<StoredMetric>(
    `SELECT step, loss, val_loss AS "valLoss", val_accuracy AS "valAccuracy", grad_norm AS "gradNorm", learning_rate AS "learningRate",
            update_norm AS "updateNorm", epoch, elapsed_seconds AS "elapsedSeconds", params
       FROM run_metrics WHERE run_id = $1 ORDER BY step`,
    [runId],
  );
  return rows;
}

/** The records `descent run --jsonl` prints for the spec: the same loop, uninterrupted. */
export function referenceTrajectory(spec: unknown): { records: StepRecord[]; result: RunResult } {
  const run = iterateRun(runSpecSchema.parse(spec));
  const records = [...run.records()];
  return { records, result: run.result! };
}

/** A run as GET /v1/runs/{id} answers it: the contract's view. */
export type RunViewBody = RunView;

export async function getRun(app: FastifyInstance, authorization: string, id: string): Promise<RunViewBody> {
  const response = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization } });
  if (response.statusCode !== 200) throw new Error(`GET /v1/runs/${id}: ${response.statusCode} ${response.body}`);
  const view = response.json();
  // Views are written out without validation: every one the tests see must match the documented schema, and hold nothing more.
  expect(runViewSchema.parse(view)).toEqual(view);
  return view;
}

/** Polls the run every 20 ms until `done(view)` holds; fails after `timeoutMs`. */
export async function waitForRun(
  app: FastifyInstance,
  authorization: string,
  id: string,
  done: (view: RunViewBody) => boolean,
  timeoutMs = 30_000,
): Promise<RunViewBody> {
  const view = await eventually(() => getRun(app, authorization, id), done, { timeoutMs });
  if (!done(view)) throw new Error(`run ${id} did not reach the expected state; last seen ${JSON.stringify(view).slice(0, 500)}`);
  return view;
}

/** Reads PostgreSQL every 5 ms until the run has stored a checkpoint, and answers its latest step; fails after `timeoutMs`. */
export async function waitForCheckpoint(pool: Pool, id: string, timeoutMs = 30_000): Promise<number> {
  const latest = async () => (await pool.query<{ step: number | null }>('SELECT max(step) AS step FROM checkpoints WHERE run_id = $1', [id])).rows[0]!.step ?? 0;
  const step = await eventually(latest, (value) => value > 0, { timeoutMs, intervalMs: 5 });
  if (step === 0) throw new Error(`run ${id} stored no checkpoint within ${timeoutMs} ms`);
  return step;
}

export const isFinal = (view: RunViewBody) => isFinalRunStatus(view.status);

export async function postRun(app: FastifyInstance, authorization: string, spec: unknown) {
  return app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: spec as object });
}

/** Stored rows against reference records: same steps, and every compared value bit for bit. */
export function compareTrajectories(stored: readonly StoredMetric[], reference: readonly StepRecord[]): string[] {
  const problems: string[] = [];
  if (stored.length !== reference.length) problems.push(`${stored.length} stored rows, ${reference.length} reference records`);
  const n = Math.min(stored.length, reference.length);
  for (let i = 0; i < n && problems.length < 10; i++) {
    const row = stored[i];
    const record = reference[i];
    const same = row.step === record.step
      && Object.is(row.loss, record.loss)
      && Object.is(row.gradNorm, record.gradNorm)
      && Object.is(row.learningRate, record.learningRate)
      && Object.is(row.updateNorm, record.updateNorm)
      && row.epoch === record.epoch
      && Object.is(row.valLoss, record.valLoss ?? null)
      && Object.is(row.valAccuracy, record.valAccuracy ?? null)
      && JSON.stringify(row.params) === JSON.stringify(record.params ?? null);
    if (!same) problems.push(`row ${i}: stored ${JSON.stringify(row)} vs reference ${JSON.stringify(record)}`);
  }
  return problems;
}
