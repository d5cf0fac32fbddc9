import { beforeAll, describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('client errors are 4xx application/problem+json, never 5xx', () => {
  const bodyLimitBytes = 4_096;
  const context = useTestApp({ BODY_LIMIT_BYTES: String(bodyLimitBytes) });
  let authorization: string;

  beforeAll(async () => {
    ({ authorization } = await createTenantKey(context.services.database));
  });

  const post = (payload: string | object, contentType = 'application/json') =>
    context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, 'content-type': contentType }, payload });

  function expectProblem(response: Awaited<ReturnType<typeof post>>, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status, code, type: `urn:descent:problem:${code}` });
    expect(problem.title).toEqual(expect.any(String));
    return problem;
  }

  it('invalid JSON → 400 invalid_json', async () => {
    expectProblem(await post('{"objective": {'), 400, 'invalid_json');
  });

  it('invalid_json says where the text went wrong, or that a key is refused', async () => {
    expect(expectProblem(await post('{"objective": {'), 400, 'invalid_json').detail).toMatch(/^The body is not valid JSON: .*position 15/);
    // Valid JSON, refused for its key: the problem says so instead of calling it invalid.
    const proto = expectProblem(await post('{"objective": {"__proto__": {"x": 1}}}'), 400, 'invalid_json');
    expect(proto.detail).toBe('The body\'s JSON has a key that is refused: `__proto__`, or `constructor` holding `prototype`.');
  });

  it('an empty JSON body where a body is required → 400 validation_failed naming the body', async () => {
    const problem = expectProblem(await post(''), 400, 'validation_failed');
    expect(problem.errors).toEqual([expect.objectContaining({ path: '' })]);
    // Said to be missing, not called null: a POST without -d.
    expect(problem.detail).toBe('POST /v1/runs takes a JSON body, and the request has none.');
    expect(problem.errors).toEqual([{ path: '', message: 'The request has no body.', code: 'missing_body' }]);
    expect(expectProblem(await post('null'), 400, 'validation_failed').errors).toEqual([expect.objectContaining({ path: '', message: 'Invalid input: expected object, received null' })]);
  });

  it('wrong types → 400 validation_failed with the path of every bad field', async () => {
    const problem = expectProblem(
      await post({ ...minimalSpec, optimizer: { name: 'adam', learningRate: 'fast' }, training: { maxSteps: -3 } }),
      400,
      'validation_failed',
    );
    const paths = problem.errors.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['optimizer.learningRate', 'training.maxSteps']));
    expect(problem.detail).toContain('optimizer.learningRate');
  });

  it('an array index appears in the path', async () => {
    const problem = expectProblem(
      await post({ ...minimalSpec, objective: { ...minimalSpec.objective, initial: [-1.5, 'two'] } }),
      400,
      'validation_failed',
    );
    expect(problem.errors.map((issue: { path: string }) => issue.path)).toContain('objective.initial[1]');
  });

  it('an expression that does not parse and a bad initial → one 400 naming both', async () => {
    const problem = expectProblem(
      await post({ ...minimalSpec, objective: { ...minimalSpec.objective, expression: '(1 - x', initial: [-1.5, 'two'] } }),
      400,
      'validation_failed',
    );
    expect(problem.errors.map((issue: { path: string }) => issue.path)).toEqual(['objective.initial[1]', 'objective.expression']);
  });

  it('unknown fields → 400 naming each one', async () => {
    const problem = expectProblem(await post({ ...minimalSpec, learningRat: 0.1 }), 400, 'validation_failed');
    expect(problem.errors).toContainEqual({ path: 'learningRat', message: expect.any(String), code: 'unrecognized_keys' });
  });

  it('a body that is not an object → 400', async () => {
    expectProblem(await post('[1, 2, 3]'), 400, 'validation_failed');
    expectProblem(await post('null'), 400, 'validation_failed');
  });

  it('an oversize body → 413 body_too_large', async () => {
    const huge = { ...minimalSpec, objective: { ...minimalSpec.objective, expression: `x${' + x'.repeat(bodyLimitBytes)}` } };
    expectProblem(await post(huge), 413, 'body_too_large');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    expectProblem(await post('objective=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expectProblem(await post('hello', 'text/plain'), 415, 'unsupported_media_type');
  });

  it('a sweep spec posted to /v1/runs, or a run spec to /v1/sweeps, is one problem saying where it goes', async () => {
    const sweep = { base: minimalSpec, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1 } } };
    const asRun = expectProblem(await post(sweep), 400, 'validation_failed');
    expect(asRun.detail).toBe('This is a sweep spec (it has `base` and `parameters`), not a run spec: submit it with POST /v1/sweeps.');
    expect(asRun.errors).toEqual([{ path: '', message: asRun.detail, code: 'other_spec_kind' }]);
    const asSweep = await context.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization, 'content-type': 'application/json' }, payload: minimalSpec });
    expect(expectProblem(asSweep, 400, 'validation_failed').detail)
      .toBe('This is a run spec (it has `objective` and `optimizer`), not a sweep spec: submit it with POST /v1/runs, or put it under `base` beside the `parameters` to search.');
    // A body of its own kind with a stray field is validated as ever, naming the field.
    expect(expectProblem(await post({ ...minimalSpec, parameters: {} }), 400, 'validation_failed').errors).toContainEqual(expect.objectContaining({ path: 'parameters', code: 'unrecognized_keys' }));
  });

  it('415 names the type the body came with and the types the route takes', async () => {
    const form = expectProblem(await post('objective=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expect(form.detail).toBe('The body came with Content-Type `application/x-www-form-urlencoded` (curl -d sends a form unless told otherwise: '
      + 'add -H \'Content-Type: application/json\'); POST /v1/runs takes `application/json`.');
    const upload = await context.app.inject({ method: 'POST', url: '/v1/datasets?name=x', headers: { authorization, 'content-type': 'text/plain' }, payload: 'a,b\n1,2\n' });
    expect(expectProblem(upload, 415, 'unsupported_media_type').detail)
      .toBe('The body came with Content-Type `text/plain`; POST /v1/datasets takes `application/json` or `text/csv`.');
  });

  it.each(['utf-16', 'UTF-16LE', '"iso-8859-1"', 'latin1'])('a JSON body in charset %s → 415 unsupported_media_type naming it, not read as UTF-8', async (charset) => {
    const problem = expectProblem(await post(minimalSpec, `application/json; charset=${charset}`), 415, 'unsupported_media_type');
    const named = charset.replace(/"/g, '').toLowerCase();
    expect(problem.detail).toBe(`The body is JSON in charset "${named}"; JSON bodies are UTF-8 (RFC 8259): send it as UTF-8, with charset=utf-8 or no charset.`);
  });

  it.each(['application/json; charset=utf-8', 'application/json; charset="UTF-8"', 'application/json;charset=utf8', 'application/json'])('a JSON body sent as %s is read', async (contentType) => {
    expect((await post(minimalSpec, contentType)).statusCode).toBe(201);
  });

  it('bad query parameters → 400 with their names', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/v1/runs?status=sleeping&limit=0&colour=red', headers: { authorization } });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(problem.errors.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['status', 'limit', 'colour']));
  });

  it.each(['/v1/runs', '/v1/sweeps', '/v1/objectives', '/v1/datasets', '/v1/sweeps/00000000-0000-4000-8000-000000000000/trials'])(
    'a query parameter given twice on %s → 400 naming it as repeated, with the other bad ones as they are',
    async (path) => {
      const response = await context.app.inject({ method: 'GET', url: `${path}?limit=2&limit=3&cursor=a&cursor=b&colour=red&colour=blue&limit=0`, headers: { authorization } });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual([
        { path: 'colour', message: 'Unknown field.', code: 'unrecognized_keys' },
        { path: 'limit', message: 'Repeated: given 3 times ("2", "3", "0"); a query parameter takes one value.', code: 'custom' },
        { path: 'cursor', message: 'Repeated: given 2 times ("a", "b"); a query parameter takes one value.', code: 'custom' },
      ]);
    },
  );

  it('a query parameter of 309 digits, beyond the safe integers → 400 naming its own bound alone', async () => {
    const response = await context.app.inject({ method: 'GET', url: `/v1/runs?limit=1${'0'.repeat(308)}`, headers: { authorization } });
    expect(expectProblem(response, 400, 'validation_failed').errors).toEqual([
      { path: 'limit', message: `limit is not a whole number from 1 to 200, in decimal digits: "1${'0'.repeat(19)}…".`, code: 'too_big' },
    ]);
  });

  it('a cursor the API did not issue → 400 invalid_cursor', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/v1/runs?cursor=not-a-cursor', headers: { authorization } });
    expectProblem(response, 400, 'invalid_cursor');
  });

  it('a cache-buster `_` is ignored on every GET, and only there; another parameter beside it is still named', async () => {
    const submitted = await post(minimalSpec);
    const run = `/v1/runs/${submitted.json().id}`;
    for (const url of [run, `${run}/parameters`, `${run}/metrics`, '/v1/runs', '/v1/sweeps', '/v1/objectives', '/v1/datasets', '/v1/optimizers', '/v1/benchmarks']) {
      const response = await context.app.inject({ method: 'GET', url: `${url}?_=1712345678901`, headers: { authorization } });
      expect([url, response.statusCode]).toEqual([url, 200]);
      // HEAD answers as GET does.
      const head = await context.app.inject({ method: 'HEAD', url: `${url}?_=1712345678901`, headers: { authorization } });
      expect([url, head.statusCode]).toEqual([url, 200]);
    }
    const beside = await context.app.inject({ method: 'GET', url: `${run}?_=1&fields=loss`, headers: { authorization } });
    expect(expectProblem(beside, 400, 'validation_failed').errors).toEqual([{ path: 'fields', message: 'Unknown field.', code: 'unrecognized_keys' }]);
    // A request that changes something is never cached: `_` there is a mistake like any other.
    const cancel = await context.app.inject({ method: 'POST', url: `${run}/cancel?_=1`, headers: { authorization } });
    expect(expectProblem(cancel, 400, 'validation_failed').errors).toEqual([{ path: '_', message: 'Unknown field.', code: 'unrecognized_keys' }]);
  });

  it('a forged cursor of a time PostgreSQL cannot hold (year 0) → 400 invalid_cursor on every list', async () => {
    const forged = Buffer.from(JSON.stringify(['0000-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const list of ['runs', 'sweeps', 'objectives', 'datasets']) {
      const response = await context.app.inject({ method: 'GET', url: `/v1/${list}?cursor=${forged}`, headers: { authorization } });
      expectProblem(response, 400, 'invalid_cursor');
    }
  });

  it('a leaderboard cursor the API did not give (an offset, as cursors were once, beyond any integer PostgreSQL holds, hexadecimal) → 400 invalid_cursor', async () => {
    const sweep = { base: { ...minimalSpec, training: { maxSteps: 10 } }, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, budget: { maxTrials: 2 } };
    const submitted = await context.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization }, payload: sweep });
    expect(submitted.statusCode).toBe(201);
    for (const offset of ['1e20', '99999999999999999999', '0x10', '["trial",-1]', '["rank",0,7,0,"1",0]', '["rank",0,0,0,"abc",0]', '["rank",0,0,0,"",0]', '["rank",-1,0,0,"1",0]']) {
      for (const format of ['json', 'csv']) {
        const cursor = Buffer.from(offset).toString('base64url');
        const response = await context.app.inject({ method: 'GET', url: `/v1/sweeps/${submitted.json().id}/trials?format=${format}&cursor=${cursor}`, headers: { authorization } });
        expectProblem(response, 400, 'invalid_cursor');
      }
    }
  });

  it('inline data whose parts do not fit together → 422 naming the field, under objective.data or objective.validation', async () => {
    const withData = (data: object, validation?: object) => post({ ...minimalSpec, objective: { type: 'model', model: 'linear', data, ...(validation ? { validation } : {}) } });
    const cases: [object, object | undefined, string][] = [
      [{ features: [[1, 2], [3]], targets: [1, 0] }, undefined, 'objective.data.features[1]'],
      [{ features: [[1, 2], [3, 4]], targets: [1] }, undefined, 'objective.data.targets'],
      [{ features: [[1], [2]], targets: [1, 0] }, { features: [[1]], targets: [1, 0] }, 'objective.validation.targets'],
    ];
    for (const [data, validation, path] of cases) {
      const problem = expectProblem(await withData(data, validation), 422, 'invalid_objective');
      expect([problem.errors.map((issue: { path: string }) => issue.path), problem.detail]).toEqual([[path], expect.stringMatching(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: `))]);
    }
  });

  it('a header too long → 400 naming it, in a sentence that reads', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, 'idempotency-key': 'k'.repeat(256) }, payload: minimalSpec });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(problem.detail).toBe('A request header is invalid: ["idempotency-key"].');
  });

  it('a run id that is not a UUID → 404', async () => {
    expectProblem(await context.app.inject({ method: 'GET', url: '/v1/runs/42', headers: { authorization } }), 404, 'not_found');
  });

  it('an unknown route → 404 route_not_found', async () => {
    expectProblem(await context.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { authorization } }), 404, 'route_not_found');
  });

  it('a known path with the wrong method → 405 with Allow', async () => {
    const response = await context.app.inject({ method: 'DELETE', url: '/v1/runs', headers: { authorization } });
    expectProblem(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    const onRun = await context.app.inject({ method: 'PUT', url: '/v1/runs/2b1f0d5e-8a39-4b8e-9f53-4c1f7a0e9d11', headers: { authorization } });
    expectProblem(onRun, 405, 'method_not_allowed');
  });

  it('a query integer that is empty, not decimal digits or out of range → 400 naming the parameter and its range, on every route taking one', async () => {
    const id = '2b1f0d5e-8a39-4b8e-9f53-4c1f7a0e9d11';
    for (const [path, name, value, message] of [
      ['/v1/runs', 'limit', '', 'limit is empty; give a whole number from 1 to 200, in decimal digits.'],
      ['/v1/runs', 'limit', '0x10', 'limit is not a whole number from 1 to 200, in decimal digits: "0x10".'],
      ['/v1/runs', 'limit', '1e1', 'limit is not a whole number from 1 to 200, in decimal digits: "1e1".'],
      ['/v1/runs', 'limit', ' 5', 'limit is not a whole number from 1 to 200, in decimal digits: " 5".'],
      ['/v1/sweeps', 'limit', '', 'limit is empty; give a whole number from 1 to 200, in decimal digits.'],
      ['/v1/datasets', 'limit', '+3', 'limit is not a whole number from 1 to 200, in decimal digits: "+3".'],
      ['/v1/objectives', 'limit', '0x10', 'limit is not a whole number from 1 to 200, in decimal digits: "0x10".'],
      [`/v1/sweeps/${id}/trials`, 'limit', '', 'limit is empty; give a whole number from 1 to 10000, in decimal digits.'],
      [`/v1/datasets/${id}/data`, 'offset', '0b1', 'offset is not a whole number of at least 0, in decimal digits: "0b1".'],
      [`/v1/datasets/${id}/data`, 'limit', '', 'limit is empty; give a whole number from 1 to 100000, in decimal digits.'],
      ['/v1/runs', 'limit', '-1e308', 'limit is not a whole number from 1 to 200, in decimal digits: "-1e308".'],
      [`/v1/runs/${id}/metrics`, 'maxPoints', '1e3', 'maxPoints is not a whole number from 2 to 10000, in decimal digits: "1e3".'],
      [`/v1/runs/${id}/metrics`, 'maxPoints', '', 'maxPoints is empty; give a whole number from 2 to 10000, in decimal digits.'],
      [`/v1/runs/${id}/metrics`, 'from', '0x10', 'from is not a whole number from 1 to 2147483647, in decimal digits: "0x10".'],
      [`/v1/runs/${id}/metrics`, 'to', '1.5', 'to is not a whole number from 1 to 2147483647, in decimal digits: "1.5".'],
      [`/v1/runs/${id}/metrics`, 'limit', 'ten', 'limit is not a whole number from 1 to 10000, in decimal digits: "ten".'],
      [`/v1/runs/${id}/landscape`, 'resolution', '0x40', 'resolution is not a whole number from 2 to 200, in decimal digits: "0x40".'],
      // Out of range, in the same words (too_small or too_big), however many digits.
      ['/v1/runs', 'limit', '0', 'limit is not a whole number from 1 to 200, in decimal digits: "0".'],
      ['/v1/runs', 'limit', '201', 'limit is not a whole number from 1 to 200, in decimal digits: "201".'],
      ['/v1/runs', 'limit', '9'.repeat(400), `limit is not a whole number from 1 to 200, in decimal digits: "${'9'.repeat(20)}…".`],
      [`/v1/datasets/${id}/data`, 'offset', '9'.repeat(400), `offset is not a whole number of at least 0, in decimal digits: "${'9'.repeat(20)}…".`],
      [`/v1/runs/${id}/metrics`, 'maxPoints', '1', 'maxPoints is not a whole number from 2 to 10000, in decimal digits: "1".'],
      [`/v1/runs/${id}/landscape`, 'resolution', '201', 'resolution is not a whole number from 2 to 200, in decimal digits: "201".'],
    ]) {
      const url = `${path}?${name}=${encodeURIComponent(value)}`;
      const problem = expectProblem(await context.app.inject({ method: 'GET', url, headers: { authorization } }), 400, 'validation_failed');
      expect(problem.detail, url).toBe(`The query string is invalid: ${name}.`);
      expect(problem.errors, url).toEqual([{ path: name, message, code: /^\d+$/.test(value) ? expect.stringMatching(/^too_(small|big)$/) : 'invalid_type' }]);
    }
    // Decimal digits are read as ever, leading zeros and all.
    expect((await context.app.inject({ method: 'GET', url: '/v1/runs?limit=007', headers: { authorization } })).statusCode).toBe(200);
  });

  it('a trailing slash is the same path: /v1/runs/ is the list, /v1/runs/{id}/ the run', async () => {
    for (const resource of ['runs', 'sweeps', 'datasets', 'objectives']) {
      const response = await context.app.inject({ method: 'GET', url: `/v1/${resource}/`, headers: { authorization } });
      expect(response.statusCode, resource).toBe(200);
      expect(response.json(), resource).toMatchObject({ [resource]: expect.any(Array) });
    }
    expect((await context.app.inject({ method: 'GET', url: '/v1/optimizers/', headers: { authorization } })).statusCode).toBe(200);
    const run = '2b1f0d5e-8a39-4b8e-9f53-4c1f7a0e9d11';
    const onRun = expectProblem(await context.app.inject({ method: 'GET', url: `/v1/runs/${run}/`, headers: { authorization } }), 404, 'not_found');
    expect(onRun.detail).toBe(`There is no run ${run}.`);
    const wrongMethod = await context.app.inject({ method: 'DELETE', url: '/v1/runs/', headers: { authorization } });
    expect(expectProblem(wrongMethod, 405, 'method_not_allowed').detail).toBe('DELETE is not allowed on /v1/runs/; allowed: GET, HEAD, POST.');
  });

  it('an empty or blank id in the path → 404 saying so, not quoting nothing', async () => {
    for (const [method, url, detail] of [
      ['GET', '/v1/runs//metrics', 'The run id in the path is empty.'],
      ['POST', '/v1/runs//cancel', 'The run id in the path is empty.'],
      ['GET', '/v1/runs//parameters', 'The run id in the path is empty.'],
      ['GET', '/v1/runs/%20', 'The run id in the path is blank.'],
      ['GET', '/v1/sweeps//trials', 'The sweep id in the path is empty.'],
      ['POST', '/v1/sweeps//cancel', 'The sweep id in the path is empty.'],
      ['GET', '/v1/datasets//data', 'The dataset id in the path is empty.'],
      ['DELETE', '/v1/objectives/%20', 'The objective id in the path is blank.'],
    ] as const) {
      const response = await context.app.inject({ method, url, headers: { authorization } });
      expect(expectProblem(response, 404, 'not_found').detail, `${method} ${url}`).toBe(detail);
    }
  });

  it('a path only shaped like a route → 404 route_not_found, never 405 allowing the very method', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/dashboard/', headers: { authorization } });
    expect(expectProblem(response, 404, 'route_not_found').detail).not.toMatch(/not allowed/);
  });
  it('a query parameter a route does not take → 400 naming it, on routes that take none as on those that take some', async () => {
    const submitted = await post(minimalSpec);
    expect(submitted.statusCode).toBe(201);
    const run = `/v1/runs/${submitted.json().id}`;
    const stored = await context.app.inject({ method: 'POST', url: '/v1/objectives', headers: { authorization }, payload: { objective: minimalSpec.objective } });
    const objective = `/v1/objectives/${stored.json().id}`;
    const sweepSpec = { base: { ...minimalSpec, training: { maxSteps: 10 } }, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01] } }, budget: { maxTrials: 1 } };
    const sweep = `/v1/sweeps/${(await context.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization }, payload: sweepSpec })).json().id}`;
    const requests: [string, string, object?][] = [
      ['GET', run], ['GET', `${run}/events`], ['GET', `${run}/parameters`], ['POST', `${run}/cancel`], ['DELETE', run],
      ['POST', '/v1/runs', minimalSpec], ['GET', objective], ['DELETE', objective],
      ['POST', '/v1/objectives', { objective: minimalSpec.objective }], ['POST', '/v1/objectives/check', { objective: minimalSpec.objective }],
      ['GET', '/v1/datasets/00000000-0000-4000-8000-000000000000'], ['DELETE', '/v1/datasets/00000000-0000-4000-8000-000000000000'],
      ['GET', '/v1/optimizers'], ['GET', '/v1/benchmarks'], ['GET', '/v1/metric-fields'], ['GET', '/v1/parallel-algorithms'],
      ['GET', '/v1/runs'], ['GET', sweep], ['GET', `${sweep}/events`], ['POST', `${sweep}/cancel`], ['POST', '/v1/sweeps', sweepSpec],
    ];
    for (const [method, url, payload] of requests) {
      // `fields` belongs to /metrics: sent to the run itself it was answered as if unsent.
      const response = await context.app.inject({ method: method as 'GET', url: `${url}?fields=loss`, headers: { authorization }, ...(payload ? { payload } : {}) });
      expect([method, url, response.statusCode]).toEqual([method, url, 400]);
      expect(expectProblem(response, 400, 'validation_failed')).toMatchObject({
        detail: 'The query string is invalid: fields.',
        errors: [{ path: 'fields', message: 'Unknown field.', code: 'unrecognized_keys' }],
      });
    }
  });
});
