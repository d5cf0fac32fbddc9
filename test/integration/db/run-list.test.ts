/**
 * The runs list reads each run's result without its parameters: PostgreSQL leaves them out, so a
 * page of runs with millions of them never carries them, and the page is otherwise the runs as
 * Prisma reads them, filtered and paged as a plain reading of all of them would be (a search
 * ignoring case).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRunRepository, type Run, type RunListQuery, type RunRepository } from '../../../src/db/runs.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();
let tenantId: string;
let runs: RunRepository;
/** Every run of the tenant as Prisma reads it, newest first. */
let stored: Run[];

/** A run's final parameters: large enough that reading them back for a page would show. */
const bigParams = 200_000;

const specs = [
  { objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'] }, optimizer: { name: 'adam' } },
  { objective: { type: 'expression', expression: 'x_1^2 + 3*Y', variables: ['x_1', 'Y'] }, optimizer: { name: 'sgd' } },
  { objective: { type: 'benchmark', name: 'himmelblau' }, optimizer: { name: 'momentum' } },
  { objective: { type: 'benchmark', name: 'Styblinski-Tang' }, optimizer: { name: 'AdamW' } },
  { objective: { type: 'model', model: 'logistic', data: { builtin: 'iris' } }, optimizer: { name: 'nadam' } },
  { objective: { type: 'model', model: 'mlp', data: { builtin: 'moons' } }, optimizer: { name: 'rmsprop' } },
];

const result = (params: number[] | undefined) => ({
  stopReason: 'max_steps', message: 'Reached maxSteps: 10 updates.', steps: 10, ...(params ? { params } : {}),
  finalLoss: 0.5, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 0.4, step: 9 }, restoredBest: false,
});

beforeAll(async () => {
  tenantId = await database.tenant('run-list');
  runs = createRunRepository(database.services.database, database.pool);
  const { rows: [sweep] } = await database.pool.query<{ id: string }>(
    `INSERT INTO sweeps (id, tenant_id, spec) VALUES (gen_random_uuid(), $1, '{}') RETURNING id`, [tenantId]);
  // 36 runs, one a second: every spec in every state a result can be in, some trials of a sweep.
  for (let i = 0; i < 36; i += 1) {
    const finished = i % 3 !== 0;
    const params = i % 3 === 1 ? (i % 9 === 1 ? Array.from({ length: bigParams }, (_, k) => k / bigParams) : [i, -i]) : undefined;
    await database.pool.query(
      `INSERT INTO runs (id, tenant_id, status, spec, result, sweep_id, trial_number, created_at)
       VALUES ($1, $2, $3::run_status, $4::jsonb, $5::jsonb, $6, $7, timestamp '2026-01-01' + $8::int * interval '1 second')`,
      [randomUUID(), tenantId, finished ? 'completed' : i % 2 ? 'queued' : 'cancelled', JSON.stringify(specs[i % specs.length]),
        finished || i % 2 === 0 ? JSON.stringify(result(params)) : null, i % 4 === 0 ? sweep!.id : null, i % 4 === 0 ? i : null, i],
    );
  }
  // Another tenant's run, which its list never shows.
  const other = await database.tenant('run-list-other');
  await database.pool.query(`INSERT INTO runs (id, tenant_id, spec) VALUES ($1, $2, $3::jsonb)`, [randomUUID(), other, JSON.stringify(specs[0])]);
  stored = await database.services.database.run.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
});

type Query = Omit<RunListQuery, 'after' | 'limit'>;

const textAt = (run: Run, ...path: string[]) => {
  const value = path.reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], run.spec);
  return typeof value === 'string' ? value : undefined;
};

/** Whether the run is one the query asks for, read off the run as Prisma gives it. */
function matches(run: Run, query: Query): boolean {
  if (query.status !== undefined && run.status !== query.status) return false;
  if (query.sweepId !== undefined && run.sweepId !== query.sweepId) return false;
  if (query.optimizer !== undefined && textAt(run, 'optimizer', 'name') !== query.optimizer) return false;
  if (query.objectiveType !== undefined && textAt(run, 'objective', 'type') !== query.objectiveType) return false;
  if (query.search === undefined) return true;
  const texts = [textAt(run, 'optimizer', 'name'), textAt(run, 'objective', 'expression'), textAt(run, 'objective', 'name'), textAt(run, 'objective', 'model')];
  const search = query.search.toLowerCase();
  return texts.some((text) => text?.toLowerCase().includes(search)) || run.id === search;
}

/** The run as the list is to give it: its result without `params`. */
function listed(run: Run): Run {
  if (run.result === null || typeof run.result !== 'object' || Array.isArray(run.result)) return run;
  const { params: _params, ...rest } = run.result;
  return { ...run, result: rest };
}

/** Every page of the list for the query, `limit` runs at a time. */
async function allPages(query: Query, limit: number): Promise<Run[][]> {
  const pages: Run[][] = [];
  let after: RunListQuery['after'];
  for (;;) {
    const page = await runs.list(tenantId, { ...query, limit, ...(after ? { after } : {}) });
    if (page.length === 0) return pages;
    pages.push(page);
    const last = page.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

describe('the runs list', () => {
  it("reads no run's parameters, whatever the run's result", async () => {
    const page = await runs.list(tenantId, { limit: 50 });
    expect(page).toHaveLength(36);
    expect(stored.filter((run) => (run.result as { params?: number[] } | null)?.params?.length === bigParams)).toHaveLength(4);
    for (const run of page) {
      if (run.result !== null) expect(run.result).not.toHaveProperty('params');
    }
  });

  it.each<[string, Query]>([
    ['every run', {}],
    ['a status', { status: 'completed' }],
    ['an optimizer', { optimizer: 'sgd' }],
    ['an objective kind', { objectiveType: 'model' }],
    ['an optimizer and a kind', { optimizer: 'adam', objectiveType: 'expression' }],
    ['a search', { search: 'himmel' }],
    ['a search in other case', { search: 'HIMMELblau' }],
    ['a search in other case than the spec', { search: 'styblinski' }],
    ['a search finding several fields', { search: 'y' }],
    ["a search for LIKE's wildcard", { search: '_' }],
    ['a search with a status', { search: 'Tang', status: 'queued' }],
  ])('answers, filtered by %s, the runs as Prisma reads them, without params, over pages', async (_, query) => {
    const expected = stored.filter((run) => matches(run, query)).map(listed);
    expect(expected.length).toBeGreaterThan(0);
    const pages = await allPages(query, 5);
    expect(pages.every((page) => page.length <= 5)).toBe(true);
    expect(pages.flat()).toEqual(expected);
  });

  it("answers a sweep's trials, and a run found by its id", async () => {
    const trial = stored.find((run) => run.sweepId !== null)!;
    expect((await allPages({ sweepId: trial.sweepId! }, 4)).flat()).toEqual(stored.filter((run) => run.sweepId === trial.sweepId).map(listed));
    const run = stored[7]!;
    expect(await runs.list(tenantId, { search: run.id.toUpperCase(), limit: 5 })).toEqual([listed(run)]);
  });
});
