/**
 * GET /v1/runs/{id}/landscape against the real PostgreSQL: grid values equal the core's
 * objective, the default frame holds the start, the recorded trajectory and the known minimum,
 * non-2-D objectives and oversized grids are refused, and tenants stay apart.
 */
import pg from 'pg';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createObjective } from '../../../src/core/objectives/index.ts';
import { postgresConnectionOptions } from '../../../src/db/connection-options.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const testApp = useTestApp();
let authorization: string;
let otherAuthorization: string;
let client: pg.Client;

beforeAll(async () => {
  authorization = (await createTenantKey(testApp.services.database, 'landscape')).authorization;
  otherAuthorization = (await createTenantKey(testApp.services.database, 'landscape-other')).authorization;
  client = new pg.Client(postgresConnectionOptions(testApp.services.config.databaseUrl));
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

async function submit(spec: object, header = authorization): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: header }, payload: spec });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

const landscape = (runId: string, query = '', header = authorization) =>
  testApp.app.inject({ url: `/v1/runs/${runId}/landscape${query}`, headers: { authorization: header } });

describe('GET /v1/runs/{id}/landscape', () => {
  it('evaluates the objective on the requested grid', async () => {
    const runId = await submit(minimalSpec);
    const response = await landscape(runId, '?resolution=7&xRange=-2,2&yRange=-1,3');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.variables).toEqual(['x', 'y']);
    expect(body.x).toHaveLength(7);
    expect(body.y).toHaveLength(7);
    expect(body.x[0]).toBe(-2);
    expect(body.x[6]).toBe(2);
    expect(body.y[0]).toBe(-1);
    expect(body.y[6]).toBe(3);
    expect(body.start).toEqual([-1.5, 2]);
    const objective = createObjective(minimalSpec.objective);
    for (let j = 0; j < 7; j++) {
      for (let i = 0; i < 7; i++) {
        expect(body.values[j][i]).toBe(objective.value(Float64Array.of(body.x[i], body.y[j])));
      }
    }
    const flat = body.values.flat() as number[];
    expect(body.valueRange).toEqual({ min: Math.min(...flat), max: Math.max(...flat) });
  });

  it('frames the start, the recorded trajectory and the known minimum by default', async () => {
    const runId = await submit({ objective: { type: 'benchmark', name: 'himmelblau', initial: [0, 0] }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 10 } });
    await client.query(
      `INSERT INTO run_metrics (run_id, step, loss, params) VALUES ($1::uuid, 1, 1, ARRAY[-7, 0.5]::float8[]), ($1::uuid, 2, 1, ARRAY[1, 9]::float8[])`,
      [runId]);
    const body = (await landscape(runId, '?resolution=5')).json();
    expect(body.resolution).toBe(5);
    const inside = ([x, y]: number[]) => x > body.xRange[0] && x < body.xRange[1] && y > body.yRange[0] && y < body.yRange[1];
    for (const point of [[0, 0], [-7, 0.5], [1, 9], body.minimum.params]) expect(inside(point)).toBe(true);
    expect(body.minimum.value).toBe(0);
    const objective = createObjective({ type: 'benchmark', name: 'himmelblau', initial: [0, 0] });
    expect(body.values[2][3]).toBe(objective.value(Float64Array.of(body.x[3], body.y[2])));
  });

  it('refuses objectives that do not have two parameters with 422 naming the reason', async () => {
    const expression = await submit({ ...minimalSpec, objective: { type: 'expression', expression: 'x^2 + y^2 + z^2', variables: ['x', 'y', 'z'] } });
    const response = await landscape(expression);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'landscape_not_two_dimensional', status: 422 });
    expect(response.json().detail).toContain('3 parameters (x, y, z)');

    const benchmark = await submit({ ...minimalSpec, objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 1000 } });
    const large = await landscape(benchmark);
    expect(large.statusCode).toBe(422);
    expect(large.json().detail).toContain('1000 parameters');
  });

  it('limits the resolution and validates the ranges', async () => {
    const runId = await submit(minimalSpec);
    expect((await landscape(runId, '?resolution=200')).statusCode).toBe(200);
    for (const query of ['?resolution=201', '?resolution=1', '?xRange=2,1', '?yRange=a,b', '?xRange=1', '?unknown=1', '?xRange=-1e308,1e308&yRange=-1e308,1e308']) {
      const response = await landscape(runId, query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect((await landscape(runId, '?yRange=-1e308,1e308')).json().errors.map((issue: { path: string }) => issue.path)).toEqual(['yRange']);
  });

  it('reads a range as two decimal numbers and names what is wrong with any other', async () => {
    const runId = await submit(minimalSpec);
    const rule = 'Write the range as `low,high`, two decimal numbers with low < high';
    for (const [range, why] of [
      [',5', '",5" has an empty side'],
      ['0x10,20', '"0x10" is not a decimal number'],
      ['1,0b11', '"0b11" is not a decimal number'],
      ['1,2,3', '"1,2,3" has 3 parts'],
      ['Infinity,1', '"Infinity" is not a decimal number'],
      ['3,3', '3 is not below 3'],
      ['1e400,1e401', '"1e400,1e401" is beyond the range of a double'],
    ]) {
      const response = await landscape(runId, `?xRange=${encodeURIComponent(range)}`);
      expect(response.statusCode, range).toBe(400);
      expect(response.json().errors, range).toEqual([{ path: 'xRange', message: `${rule}: ${why}.`, code: 'custom' }]);
    }
    for (const range of ['-2,2', '-.5, 1.5', '1e-3,2E1', '+1,2.']) expect((await landscape(runId, `?xRange=${encodeURIComponent(range)}`)).statusCode, range).toBe(200);
  });

  it("answers 404 for another tenant's run and for an unknown one", async () => {
    const runId = await submit(minimalSpec);
    const other = await landscape(runId, '', otherAuthorization);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('not_found');
    expect((await landscape('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await testApp.app.inject({ url: `/v1/runs/${runId}/landscape` })).statusCode).toBe(401);
  });

  // One resolution of a run's objective: a stored objective that is gone is the same 404 as at submission.
  it("answers 404 objective_not_found naming objective.id when the run's stored objective is gone, as a submission does", async () => {
    const stored = await testApp.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization },
      payload: { objective: minimalSpec.objective },
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const objectiveId = stored.json().id;
    const runId = await submit({ ...minimalSpec, objective: { id: objectiveId } });
    await client.query('UPDATE runs SET status = $2 WHERE id = $1', [runId, 'completed']);
    await client.query('DELETE FROM objectives WHERE id = $1', [objectiveId]);
    const problem = { code: 'objective_not_found', errors: [{ path: 'objective.id', code: 'objective_not_found' }] };
    const answers = [
      await landscape(runId),
      await testApp.app.inject({ url: `/v1/runs/${runId}/parameters`, headers: { authorization } }),
      await testApp.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: { ...minimalSpec, objective: { id: objectiveId } } }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(404);
      expect(answer.json()).toMatchObject(problem);
    }
  });
});
