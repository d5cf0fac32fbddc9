/**
 * Property-based fuzzing of every route of openapi.yaml against the real server (PostgreSQL and
 * Redis behind it): random path ids, query values and bodies (arbitrary JSON, and valid specs
 * with one field replaced by arbitrary JSON). Whatever a client sends, the answer is never a
 * 5xx, and every error is a problem+json. The operations are read from the document, so a new
 * route is fuzzed without a change here; the number of cases per route is bounded for CI.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../../src/api/openapi/generate.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
}
interface Operation {
  readonly parameters?: Parameter[];
  readonly requestBody?: unknown;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const document = parse(await readFile(openApiPath, 'utf8')) as Document;
const methods = ['get', 'post', 'put', 'patch', 'delete'];
/** Event streams stay open while their run lives: they are checked by their own tests. */
const fuzzed = Object.entries(document.paths)
  .filter(([path]) => !path.endsWith('/events'))
  .flatMap(([path, item]) => Object.entries(item).filter(([method]) => methods.includes(method)).map(([method, operation]) => ({ method, path, operation })));

const casesPerRoute = Number(process.env.FUZZ_CASES_PER_ROUTE ?? 40);

const testApp = useTestApp();
let authorization: string;
let runId: string;

beforeAll(async () => {
  authorization = (await createTenantKey(testApp.services.database, 'fuzz')).authorization;
  const submitted = await testApp.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
  runId = submitted.json().id;
});

/** Strings a parser might trip on: numbers at their limits, separators, encodings, long ones. */
const awkwardText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', '0', '-1', '1e308', '-1e308', 'NaN', 'Infinity', '9999999999', '2147483648', ',', '1,', ',1', '1,2,3', 'true', 'null', '%00', '..', '../..', '\u0000', 'é', 'a'.repeat(300)),
);

const pathId = () => fc.oneof(fc.constant(null), fc.uuid(), awkwardText);

/** A value that replaces one field of a valid run spec. */
const json = fc.jsonValue({ maxDepth: 2 });
const mutatedSpec = fc.record({
  field: fc.constantFrom('objective', 'optimizer', 'training', 'schedule', 'earlyStopping', 'stopWhen', 'record', 'parallel', 'clip', 'gradientNoise', 'unknownField'),
  value: json,
}).map(({ field, value }) => ({ ...minimalSpec, [field]: value }));
const mutatedSweep = fc.record({ field: fc.constantFrom('base', 'space', 'sampler', 'pruner', 'budget', 'metric', 'name'), value: json })
  .map(({ field, value }) => ({ base: minimalSpec, space: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, budget: { maxTrials: 2 }, [field]: value }));
const body = fc.oneof(json, mutatedSpec, mutatedSweep, fc.record({ objective: mutatedSpec.map((spec) => spec.objective) }));

function requestFor(path: string, operation: Operation) {
  const parameters = operation.parameters ?? [];
  const pathNames = parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
  const queryNames = parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
  return fc.record({
    ids: fc.tuple(...pathNames.map(() => pathId())),
    query: fc.tuple(...queryNames.map(() => fc.option(awkwardText, { nil: undefined }))),
    extra: fc.option(fc.tuple(awkwardText, awkwardText), { nil: undefined }),
    body: operation.requestBody ? fc.option(body, { nil: undefined }) : fc.constant(undefined),
  }).map(({ ids, query, extra, body }) => {
    let url = path;
    pathNames.forEach((name, i) => {
      url = url.replace(`{${name}}`, encodeURIComponent(ids[i] ?? runId));
    });
    const search = new URLSearchParams();
    queryNames.forEach((name, i) => {
      if (query[i] !== undefined) search.set(name, query[i]);
    });
    if (extra) search.set(extra[0], extra[1]);
    const text = search.toString();
    return { url: text ? `${url}?${text}` : url, body };
  });
}

describe('what the fuzzer found', () => {
  it.each([
    ['a path segment longer than any id', `/v1/runs/${'a'.repeat(300)}`, 404, 'not_found'],
    ['a URL that cannot be decoded', '/v1/runs/%E0%A4%A', 400, 'bad_url'],
  ])('%s is a problem, not the router\'s own JSON', async (_what, url, status, code) => {
    const response = await testApp.app.inject({ url, headers: { authorization } });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status, code });
  });
});

describe('every route, fuzzed', () => {
  it('covers the document', () => {
    expect(fuzzed.length).toBeGreaterThan(20);
  });

  it.each(fuzzed.map(({ method, path, operation }) => [`${method.toUpperCase()} ${path}`, method, path, operation] as const))(
    '%s never answers a 5xx, and every error is a problem',
    async (_name, method, path, operation) => {
      await fc.assert(
        fc.asyncProperty(requestFor(path, operation), async ({ url, body }) => {
          const response = await testApp.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
          });
          expect(response.statusCode, `${method.toUpperCase()} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`).toBeLessThan(500);
          if (response.statusCode >= 400) expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: casesPerRoute },
      );
    },
  );
});
