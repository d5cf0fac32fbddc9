/** GET /v1/runs filtered by optimizer, objective kind and a search, with pages that keep them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('GET /v1/runs filters', () => {
  const context = useTestApp();
  let authorization: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ authorization } = await createTenantKey(context.services.database));
    const specs = {
      adamExpression: minimalSpec,
      sgdExpression: { ...minimalSpec, optimizer: { name: 'sgd', learningRate: 0.001 } },
      sgdBenchmark: { objective: { type: 'benchmark', name: 'himmelblau' }, optimizer: { name: 'sgd', learningRate: 0.01 } },
      adamBenchmark: { objective: { type: 'benchmark', name: 'styblinski-tang', dimensions: 3 }, optimizer: { name: 'adam' } },
      momentumUnderscore: { objective: { type: 'expression', expression: 'x_1^2', variables: ['x_1'], initial: [1] }, optimizer: { name: 'momentum' } },
    };
    for (const [name, spec] of Object.entries(specs)) {
      const response = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: spec });
      ids[name] = response.json().id;
    }
  });

  const list = async (query: string) => {
    const response = await context.app.inject({ method: 'GET', url: `/v1/runs?${query}`, headers: { authorization } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { runs: { id: string }[]; nextCursor: string | null };
  };
  const listed = async (query: string) => (await list(query)).runs.map((run) => run.id);

  it.each([
    ['optimizer=sgd', ['sgdBenchmark', 'sgdExpression']],
    ['objectiveType=benchmark', ['adamBenchmark', 'sgdBenchmark']],
    ['optimizer=adam&objectiveType=expression', ['adamExpression']],
    ['search=himmel', ['sgdBenchmark']],
    // Case is ignored: in the text, in the spec, or both.
    ['search=HIMMEL', ['sgdBenchmark']],
    ['search=Styblinski-TANG', ['adamBenchmark']],
    ['search=SGD', ['sgdBenchmark', 'sgdExpression']],
    ['search=y%20-%20x%5E2', ['sgdExpression', 'adamExpression']],
    ['search=no-such-thing', []],
    // LIKE's wildcards and escape are searched as themselves: `%` and `_` matched every run.
    ['search=_', ['momentumUnderscore']],
    ['search=%25', []],
    ['search=%5C', []],
    ['search=x%5C_1', []],
    ['optimizer=sgd&search=himmel', ['sgdBenchmark']],
  ])('%s', async (query, expected) => {
    expect(await listed(query)).toEqual(expected.map((name) => ids[name]));
  });

  it('finds a run by its id', async () => {
    expect(await listed(`search=${ids.sgdExpression}`)).toEqual([ids.sgdExpression]);
    expect(await listed(`search=${ids.sgdExpression!.toUpperCase()}`)).toEqual([ids.sgdExpression]);
  });

  it('finds a run by the end of its id, as the dashboard shows it, and leaves out spaces around the search', async () => {
    const id = ids.sgdExpression!;
    expect(await listed(`search=${id.slice(-8)}`)).toEqual([id]);
    expect(await listed(`search=${id.slice(-14).toUpperCase()}`)).toEqual([id]);
    expect(await listed(`search=%20${id.slice(-8)}%20`)).toEqual([id]);
    expect(await listed('search=%20himmel%20')).toEqual([ids.sgdBenchmark]);
    // Its beginning is the time it was made, which the runs made with it share: not searched.
    expect(await listed(`search=${id.slice(0, 8)}`)).toEqual([]);
  });

  it('keeps the filter across pages', async () => {
    const first = await list('optimizer=sgd&limit=1');
    expect(first.runs.map((run) => run.id)).toEqual([ids.sgdBenchmark]);
    const second = await list(`optimizer=sgd&limit=1&cursor=${first.nextCursor}`);
    expect(second.runs.map((run) => run.id)).toEqual([ids.sgdExpression]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses an unknown objective kind and an empty search, naming the field', async () => {
    for (const query of ['objectiveType=stored', 'search=', 'search=%20%20']) {
      const response = await context.app.inject({ method: 'GET', url: `/v1/runs?${query}`, headers: { authorization } });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].path).toBe(query.split('=')[0]);
    }
  });
});
