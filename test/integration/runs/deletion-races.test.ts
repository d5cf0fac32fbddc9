/**
 * Deleting a stored objective or dataset while a run or sweep naming it is submitted: the API
 * checks that what a submission names exists, then stores it in another statement. Whichever of
 * the deletion and the submission comes first, the other must see it: never a run or sweep
 * stored naming what was deleted. The test parks both on the lock of the objective or dataset
 * (resource-lock.ts), which it holds from a connection of its own, so that the submission has
 * read the objective and the deletion has not yet looked for what names it; it then lets them go
 * in the order they queued in. Nothing else waits for the deletion: runs of the tenant and of
 * another naming something else are stored while it waits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { problemSchema } from '../../../src/api/errors/problem.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { resourceLockNamespace, resourceLockStatement } from '../../../src/db/resource-lock.ts';
import { eventually } from '../../support/eventually.ts';
import { createTenantKey } from '../support/services.ts';
import { postRun, useTestApi } from './support.ts';

const csv = 'x,label\n0,0\n1,1\n2,0\n3,1\n';
const training = { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } };

/** A request in flight, and whether it has been answered yet. */
interface InFlight {
  readonly answer: Promise<LightMyRequestResponse>;
  readonly answered: () => boolean;
}

function inFlight(request: Promise<LightMyRequestResponse>): InFlight {
  let answered = false;
  const answer = request.finally(() => {
    answered = true;
  });
  return { answer, answered: () => answered };
}

describe('deleting a stored objective or dataset while a run or sweep naming it is submitted', () => {
  const api = useTestApi();
  let pool: Pool;
  let tenantId: string;
  let authorization: string;

  beforeAll(async () => {
    pool = createPool(api.services.config.databaseUrl, 3);
    const tenant = await createTenantKey(api.services.database, 'races');
    authorization = tenant.authorization;
    tenantId = (await api.services.database.tenant.findUniqueOrThrow({ where: { name: tenant.tenantName }, select: { id: true } })).id;
  });
  afterAll(async () => {
    await pool?.end();
  });

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object | string, headers: Record<string, string> = {}) =>
    api.app.inject({ method, url, headers: { authorization, ...headers }, ...(payload === undefined ? {} : { payload }) });
  const storedObjective = async () => (await request('POST', '/v1/objectives', { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } })).json().id as string;
  const storedDataset = async () => (await request('POST', '/v1/datasets?target=label', csv, { 'content-type': 'text/csv' })).json().id as string;

  /** The stored objective or dataset whose lock the test holds (see holdLock). */
  let resource: string;

  /** How many statements wait for the lock of `resource`, or to write sweeps or objectives (see holdLock). */
  async function waiting(): Promise<number> {
    const { rows: [row] } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE NOT granted AND (locktype = 'advisory' AND classid = $2 AND objid = hashtext(lower($1))::oid AND objsubid = 2
                               OR locktype = 'relation' AND relation IN ('sweeps'::regclass, 'objectives'::regclass))`,
      [resource, resourceLockNamespace]);
    return row!.n;
  }

  /** The lock as a test holds it, released after the test whatever happened. */
  let held: { release(): Promise<void> } | undefined;
  afterEach(async () => {
    await held?.release();
  });

  /**
   * Holds the lock of the stored objective or dataset `id` (as its deletion takes it) until
   * `release`; with `writes` (sweeps, objectives), also keeps that table from being written
   * meanwhile, which parks a creation after the API's check even where it would not take the lock.
   */
  async function holdLock(id: string, { writes }: { writes?: 'sweeps' | 'objectives' } = {}): Promise<{ release(): Promise<void> }> {
    resource = id;
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(resourceLockStatement, [id]);
    if (writes !== undefined) await client.query(`LOCK TABLE ${writes} IN SHARE MODE`);
    held = {
      async release() {
        held = undefined;
        await client.query('COMMIT');
        client.release();
      },
    };
    return held;
  }

  /**
   * Waits until `request` waits for the lock, the `count`th to. With `orAnswered`, an answer ends
   * the wait too: a deletion that does not take the lock is not held up by it, and what the test
   * asserts after it says what that did.
   */
  async function parked(request: InFlight, count: number, { orAnswered = false } = {}): Promise<void> {
    const seen = await eventually(waiting, (n) => n >= count || request.answered());
    if (orAnswered && request.answered()) return;
    expect(request.answered(), 'answered without waiting for the lock').toBe(false);
    expect(seen).toBe(count);
  }

  /**
   * Sends `first`, then, once it waits for the lock of `id` (held by the test), `second`; once
   * that waits too, lets them go, in that order, and answers their answers. `writes` as holdLock's.
   * With `secondMayPass`, the second (a deletion) may be answered without waiting: what the test
   * asserts after says what it did.
   */
  async function inTurn(
    id: string, first: () => Promise<LightMyRequestResponse>, second: () => Promise<LightMyRequestResponse>,
    { writes, secondMayPass = false }: { writes?: 'sweeps' | 'objectives'; secondMayPass?: boolean } = {},
  ): Promise<[LightMyRequestResponse, LightMyRequestResponse]> {
    const lock = await holdLock(id, { writes });
    const sentFirst = inFlight(first());
    await parked(sentFirst, 1);
    const sentSecond = inFlight(second());
    await parked(sentSecond, 2, { orAnswered: secondMayPass });
    await lock.release();
    return [await sentFirst.answer, await sentSecond.answer];
  }

  const deleting = (kind: 'objectives' | 'datasets', id: string) => () => request('DELETE', `/v1/${kind}/${id}`);
  const submitting = (spec: object) => () => postRun(api.app, authorization, spec);

  /** Whether the tenant still has the stored objective. */
  const objectiveExists = async (id: string) => (await request('GET', `/v1/objectives/${id}`)).statusCode === 200;

  /** The tenant's runs whose objective names `id` where a run names a stored objective or dataset. */
  async function runsNaming(id: string): Promise<number> {
    const { rows: [row] } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs WHERE tenant_id = $1
          AND $2 IN (spec #>> '{objective,id}', spec #>> '{objective,data,id}', spec #>> '{objective,validation,id}')`,
      [tenantId, id]);
    return row!.n;
  }

  async function sweepsNaming(id: string): Promise<number> {
    const { rows: [row] } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sweeps WHERE tenant_id = $1 AND strpos(spec::text, $2) > 0`, [tenantId, id]);
    return row!.n;
  }

  /** A 404 naming the field, as a submission naming what the tenant does not have gets. */
  function expectNotFound(answer: LightMyRequestResponse, code: string, path: string, message: string) {
    expect(answer.statusCode, answer.body).toBe(404);
    const problem = answer.json();
    expect(problemSchema.parse(problem)).toEqual(problem);
    expect(problem).toMatchObject({ code, detail: `${path}: ${message}`, errors: [{ path, message, code }] });
  }

  it('a run submitted first is stored, and the deletion that waited for it finds it: 409 objective_in_use naming the run', async () => {
    const objective = await storedObjective();
    const [run, refused] = await inTurn(objective, submitting({ objective: { id: objective }, ...training }), deleting('objectives', objective), { secondMayPass: true });
    // Never a run stored naming an objective that is gone.
    expect({ runs: await runsNaming(objective), objective: await objectiveExists(objective) }).toEqual({ runs: 1, objective: true });
    expect(run.statusCode, run.body).toBe(201);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'objective_in_use', usedBy: { runs: 1, unfinishedRuns: 1, runIds: [run.json().id] } });
  });

  it('a run whose objective the API read while a deletion waited is refused once the deletion is done: 404 objective_not_found, nothing stored', async () => {
    const objective = await storedObjective();
    // The objective is still there for the API's check: the deletion has not looked yet.
    const [deletion, submission] = await inTurn(objective, deleting('objectives', objective), submitting({ objective: { id: objective }, ...training }));

    expect(deletion.statusCode).toBe(204);
    expectNotFound(submission, 'objective_not_found', 'objective.id', `There is no stored objective ${objective}.`);
    expect(await runsNaming(objective)).toBe(0);
  });

  for (const field of ['data', 'validation'] as const) {
    it(`a run whose ${field} dataset a deletion removed while it waited is refused: 404 dataset_not_found at objective.${field}.id, nothing stored`, async () => {
      const [kept, deleted] = [await storedDataset(), await storedDataset()];
      const objective = { type: 'model', model: 'logistic', data: { id: field === 'data' ? deleted : kept }, ...(field === 'validation' ? { validation: { id: deleted } } : {}) };
      const [deletion, submission] = await inTurn(deleted, deleting('datasets', deleted), submitting({ objective, ...training }));

      expect(deletion.statusCode).toBe(204);
      expectNotFound(submission, 'dataset_not_found', `objective.${field}.id`, `There is no dataset ${deleted}.`);
      expect(await runsNaming(deleted)).toBe(0);
      // The kept dataset serves runs as before.
      expect((await postRun(api.app, authorization, { objective: { type: 'model', model: 'logistic', data: { id: kept } }, ...training })).statusCode).toBe(201);
    });
  }

  it('runs submitted together are refused one by one: only those naming the deleted objective', async () => {
    const [deleted, kept] = [await storedObjective(), await storedObjective()];
    const lock = await holdLock(deleted);
    const deletion = inFlight(deleting('objectives', deleted)());
    await parked(deletion, 1);
    // Submissions in flight together are stored together, in one statement, once the first is.
    const submissions = [deleted, kept, deleted, kept].map((id) => inFlight(postRun(api.app, authorization, { objective: { id }, ...training })));
    expect(await eventually(waiting, (n) => n >= 2)).toBe(2);
    await lock.release();

    expect((await deletion.answer).statusCode).toBe(204);
    const answers = await Promise.all(submissions.map((submission) => submission.answer));
    expect(answers.map((answer) => answer.statusCode)).toEqual([404, 201, 404, 201]);
    expect(await runsNaming(deleted)).toBe(0);
    expect(await runsNaming(kept)).toBe(2);
  });

  it('a deletion holds up nothing but what names its target: runs of the tenant and of another tenant are stored while it waits', async () => {
    const other = await createTenantKey(api.services.database, 'races-other');
    const [target, unrelated] = [await storedObjective(), await storedObjective()];
    // Parks the deletion once it holds whatever it takes before it looks for what names its
    // target: on the target's lock, and, were that not its first, on the target's row.
    const lock = await holdLock(target);
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT FROM objectives WHERE id = $1 FOR UPDATE', [target]);
    const blocked = async () => (await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0 AND query LIKE 'WITH target AS%'`)).rows[0]!.n;
    let rowHeld = true;
    const releaseRow = async () => {
      rowHeld = false;
      await client.query('COMMIT');
      client.release();
    };
    try {
      const deletion = inFlight(deleting('objectives', target)());
      const parkedDeletion = await eventually(async () => (await waiting()) + (await blocked()), (n) => n >= 1 || deletion.answered());
      expect({ parked: parkedDeletion, answered: deletion.answered() }).toEqual({ parked: 1, answered: false });

      // The API stores the runs of all tenants together, one statement at a time.
      const submissions = [
        inFlight(postRun(api.app, authorization, { objective: { id: unrelated }, ...training })),
        inFlight(postRun(api.app, other.authorization, { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] }, ...training })),
      ];
      await eventually(() => submissions.every((submission) => submission.answered()), (answered) => answered, { timeoutMs: 5_000 });
      expect({ submissions: submissions.map((submission) => submission.answered()), deletion: deletion.answered() }).toEqual({ submissions: [true, true], deletion: false });
      expect((await Promise.all(submissions.map((submission) => submission.answer))).map((answer) => answer.statusCode)).toEqual([201, 201]);

      await releaseRow();
      await lock.release();
      expect((await deletion.answer).statusCode).toBe(204);
    } finally {
      if (rowHeld) await releaseRow();
    }
  });

  it("a creation waits for the lock of each dataset it names, as a deletion holds it: a stored objective's validation set (in another case), a value of a sweep's parameter", async () => {
    const [data, named] = [await storedDataset(), await storedDataset()];
    const creations = [
      () => request('POST', '/v1/objectives', { objective: { type: 'model', model: 'logistic', data: { id: data }, validation: { id: named.toUpperCase() } } }),
      () => request('POST', '/v1/sweeps', {
        base: { objective: { type: 'model', model: 'logistic', data: { id: data } }, ...training },
        parameters: { 'objective.data.id': { type: 'categorical', values: [data, named] } }, sampler: { type: 'grid' },
      }),
    ];
    for (const create of creations) {
      const lock = await holdLock(named);
      const creation = inFlight(create());
      await parked(creation, 1);
      await lock.release();
      const created = await creation.answer;
      expect(created.statusCode, created.body).toBe(201);
    }
  });

  describe('a sweep', () => {
    const sweepOf = (objective: string) => ({
      base: { objective: { id: objective }, ...training },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } },
      sampler: { type: 'grid' },
    });
    const creating = (objective: string) => () => request('POST', '/v1/sweeps', sweepOf(objective));

    it('created first is stored, and the deletion that waited for it finds it: 409 naming the sweep', async () => {
      const objective = await storedObjective();
      const [sweep, refused] = await inTurn(objective, creating(objective), deleting('objectives', objective), { writes: 'sweeps', secondMayPass: true });
      // Never a sweep stored naming an objective that is gone.
      expect({ sweeps: await sweepsNaming(objective), objective: await objectiveExists(objective) }).toEqual({ sweeps: 1, objective: true });
      expect(sweep.statusCode, sweep.body).toBe(201);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'objective_in_use', usedBy: { sweeps: 1, sweepIds: [sweep.json().id] } });
    });

    it('whose base objective the API read while a deletion waited is refused once the deletion is done: 404 objective_not_found at base.objective.id', async () => {
      const objective = await storedObjective();
      const [deletion, creation] = await inTurn(objective, deleting('objectives', objective), creating(objective), { writes: 'sweeps' });

      expect(deletion.statusCode).toBe(204);
      expectNotFound(creation, 'objective_not_found', 'base.objective.id', `There is no stored objective ${objective}.`);
      expect(await sweepsNaming(objective)).toBe(0);
    });
  });

  describe('a stored objective over a dataset', () => {
    const creating = (dataset: string) => () => request('POST', '/v1/objectives', { objective: { type: 'model', model: 'logistic', data: { id: dataset } } });
    const objectivesNaming = async (id: string) =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM objectives WHERE tenant_id = $1 AND strpos(definition::text, $2) > 0`, [tenantId, id])).rows[0]!.n;

    it('stored first is found by the deletion that waited for it: 409 dataset_in_use naming it', async () => {
      const dataset = await storedDataset();
      const [objective, refused] = await inTurn(dataset, creating(dataset), deleting('datasets', dataset), { writes: 'objectives', secondMayPass: true });
      // Never a stored objective naming a dataset that is gone.
      expect({ objectives: await objectivesNaming(dataset), dataset: (await request('GET', `/v1/datasets/${dataset}`)).statusCode }).toEqual({ objectives: 1, dataset: 200 });
      expect(objective.statusCode, objective.body).toBe(201);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'dataset_in_use', usedBy: { objectives: 1, objectiveIds: [objective.json().id] } });
    });

    it('whose dataset the API read while a deletion waited is refused once the deletion is done: 404 dataset_not_found at objective.data.id', async () => {
      const dataset = await storedDataset();
      const [deletion, creation] = await inTurn(dataset, deleting('datasets', dataset), creating(dataset), { writes: 'objectives' });

      expect(deletion.statusCode).toBe(204);
      expectNotFound(creation, 'dataset_not_found', 'objective.data.id', `There is no dataset ${dataset}.`);
      expect(await objectivesNaming(dataset)).toBe(0);
    });
  });
});
