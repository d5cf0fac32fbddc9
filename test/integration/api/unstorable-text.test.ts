/**
 * Strings PostgreSQL cannot store (U+0000, an unpaired surrogate), wherever a client sends them:
 * a 400 naming each such field with the request's other bad fields, never a 500 from the insert.
 * JSON can only carry them as `\u` escapes, so the bodies are written as text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const testApp = useTestApp();
let authorization: string;

beforeAll(async () => {
  ({ authorization } = await createTenantKey(testApp.services.database, 'unstorable'));
});

/** JSON text of `value` with each `<NUL>` and `<SURROGATE>` written as the escape a client would send. */
const jsonWith = (value: unknown) => JSON.stringify(value).replaceAll('<NUL>', '\\u0000').replaceAll('<SURROGATE>', '\\ud800');

const post = (url: string, payload: string, contentType = 'application/json') =>
  testApp.app.inject({ method: 'POST', url, headers: { authorization, 'content-type': contentType }, payload });

async function expectBadFields(response: Awaited<ReturnType<typeof post>>, paths: string[]) {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem.code).toBe('validation_failed');
  expect(problem.errors.map((issue: { path: string }) => issue.path)).toEqual(paths);
  return problem;
}

const modelSpec = (columnNames: string[]) => ({
  ...minimalSpec,
  objective: { type: 'model', model: 'linear', data: { features: [[1], [2]], targets: [1, 2], columnNames } },
});

const sweep = (name: string, values: string[]) => ({
  name,
  base: { ...minimalSpec, training: { maxSteps: 10 } },
  parameters: { 'optimizer.name': { type: 'categorical', values } },
  budget: { maxTrials: 2 },
});

describe('text that cannot be stored is a 400 naming the field', () => {
  it('in a run spec, with the spec\'s other bad fields', async () => {
    const body = { ...modelSpec(['a<NUL>']), training: { maxSteps: -1 } };
    const problem = await expectBadFields(await post('/v1/runs', jsonWith(body)), ['training.maxSteps', 'objective.data.columnNames[0]']);
    expect(problem.errors[1].message).toBe('The text contains U+0000 (NUL), which cannot be stored.');
    await expectBadFields(await post('/v1/runs', jsonWith(modelSpec(['b<SURROGATE>']))), ['objective.data.columnNames[0]']);
  });

  it('naming a field once in the detail when it has another issue too (a name that is not one, a value that is none of the choices)', async () => {
    for (const [body, path, other] of [
      [{ ...minimalSpec, objective: { type: 'expression', expression: 'x^2', variables: ['x<NUL>'], initial: [1] } }, 'objective.variables[0]', 'is not a valid name'],
      [{ ...minimalSpec, objective: { type: 'expression', expression: 'x^2', variables: ['x<SURROGATE>'], initial: [1] } }, 'objective.variables[0]', 'is not a valid name'],
      [{ ...minimalSpec, objective: { type: 'expression', expression: 'x^2<NUL>', variables: ['x'], initial: [1] } }, 'objective.expression', 'unexpected character U+0000'],
      [{ ...minimalSpec, optimizer: { name: 'sgd<NUL>', learningRate: 0.1 } }, 'optimizer.name', 'Invalid discriminator value'],
      [{ ...minimalSpec, objective: { type: 'model', model: 'linear', data: { builtin: 'linear<SURROGATE>', rows: 20 } } }, 'objective.data.builtin', 'Invalid discriminator value'],
    ] as const) {
      const problem = await expectBadFields(await post('/v1/runs', jsonWith(body)), [path, path]);
      expect(problem.detail).toBe(`The request body is invalid: ${path}.`);
      expect(problem.errors.map((issue: { message: string }) => issue.message)).toEqual([expect.stringContaining(other), expect.stringMatching(/^The text contains (U\+0000|an unpaired surrogate)/)]);
    }
  });

  it('in a stored objective\'s name', async () => {
    const objective = { name: 'bowl<NUL>', objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } };
    await expectBadFields(await post('/v1/objectives', jsonWith(objective)), ['name']);
  });

  it('in a sweep\'s name, a categorical value and a key', async () => {
    // The value is no optimizer's name, too.
    const values = await expectBadFields(await post('/v1/sweeps', jsonWith(sweep('s<NUL>', ['adam', 'sgd<SURROGATE>']))), ['parameters["optimizer.name"].values[1]', 'name', 'parameters["optimizer.name"].values[1]']);
    expect(values.detail).toBe('The request body is invalid: parameters["optimizer.name"].values[1], name.');
    expect(values.errors[2].message).toMatch(/^The text contains an unpaired surrogate/);
    const withKey = jsonWith({ ...sweep('s', ['adam']), parameters: { 'optimizer.learningRate<NUL>': { type: 'float', low: 0.01, high: 0.1 } } });
    const problem = (await post('/v1/sweeps', withKey)).json();
    expect(problem.errors).toContainEqual(expect.objectContaining({ path: 'parameters["optimizer.learningRate\\u0000"]', message: expect.stringMatching(/^The key contains U\+0000/) }));
  });

  it('in a JSON dataset upload', async () => {
    const dataset = { name: 'n<NUL>', features: [[1], [2]], targets: [1, 2], columnNames: ['c<SURROGATE>'] };
    await expectBadFields(await post('/v1/datasets', jsonWith(dataset)), ['name', 'columnNames[0]']);
  });

  it('in a CSV upload\'s header (422 naming line and column) and query string', async () => {
    const header = await post('/v1/datasets', 'a\u0000b,t\n1,2\n3,4\n', 'text/csv');
    expect(header.statusCode).toBe(422);
    expect(header.json()).toMatchObject({ code: 'invalid_csv', detail: expect.stringContaining('line 1, column 1: the column name contains U+0000') });
    await expectBadFields(await post('/v1/datasets?name=x%00y', 'a,t\n1,2\n3,4\n', 'text/csv'), ['name']);
  });

  it('stores an escaped character that is text (a paired surrogate, a control character)', async () => {
    const objective = '{"type": "expression", "expression": "x^2", "variables": ["x"], "initial": [1]}';
    const response = await post('/v1/objectives', `{"name": "emoji \\ud83d\\ude00 tab\\t", "objective": ${objective}}`);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().name).toBe('emoji 😀 tab\t');
  });
});
