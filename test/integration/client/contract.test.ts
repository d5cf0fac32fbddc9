/**
 * The contract: every operation of openapi.yaml is called through the generated client against
 * a real Descent, and every answer is checked against the document (its status documented,
 * its content type listed, its JSON body valid under the schema, by Ajv). The operations are
 * read from the document, so a new route without a call here fails the first test.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createClient, readServerEvents, type DescentClient, type RunSpecInput, type ServerEvent } from 'descent/client';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../../src/api/openapi/generate.ts';
import { useLiveDescent } from './live-descent.ts';
import { asJsonSchemaDocument } from './openapi-json-schema.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const document = parse(await readFile(openApiPath, 'utf8')) as Document;
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const documented = Object.entries(document.paths)
  .flatMap(([path, item]) => Object.keys(item).filter((method) => methods.includes(method)).map((method) => `${method.toUpperCase()} ${path}`));

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(asJsonSchemaDocument(document) as object, 'openapi');
const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** What a call gives back: openapi-fetch's outcome, with a stream already read into its events. */
interface Answer {
  readonly response: Response;
  readonly data?: unknown;
  readonly error?: unknown;
  readonly events?: ServerEvent[];
}

/** Checks an answer against the document: status, media type, body schema. */
function expectDocumented(operation: string, answer: Answer, expectedStatus: number): void {
  const [method, path] = operation.split(' ');
  const { response } = answer;
  expect(response.status, `${operation}: ${JSON.stringify(answer.error ?? '')}`).toBe(expectedStatus);
  const documentedResponse = document.paths[path][method.toLowerCase()].responses[String(response.status)];
  expect(documentedResponse, `${operation} answers an undocumented ${response.status}`).toBeDefined();
  if (response.status === 204) return;
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const content = documentedResponse.content ?? {};
  expect(Object.keys(content), `${operation} ${response.status}`).toContain(mediaType);
  const body = response.ok ? answer.data : answer.error;
  if (!/json$/.test(mediaType)) {
    expect(typeof body === 'string' || answer.events !== undefined, `${operation} ${mediaType} is text`).toBe(true);
    return;
  }
  const validate = ajv.getSchema(`openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', String(response.status), 'content', mediaType, 'schema')}`)!;
  if (!validate(body)) throw new Error(`${operation} ${response.status}: the body breaks the document: ${ajv.errorsText(validate.errors)}`);
}

const quadratic: RunSpecInput = {
  objective: { type: 'expression', expression: '(x - 1)^2 + 10*(y + 2)^2', variables: ['x', 'y'], initial: [4, 3] },
  optimizer: { name: 'adam', learningRate: 0.05 },
  training: { maxSteps: 200 },
};

/** A stream's events until `end` (the stream closes by itself once the resource has finished). */
async function readStream(answer: { response: Response; data?: ReadableStream<Uint8Array> | null; error?: unknown }): Promise<Answer> {
  if (!answer.data) return answer;
  const events: ServerEvent[] = [];
  for await (const event of readServerEvents(answer.data)) events.push(event);
  return { ...answer, data: undefined, events };
}

describe('the contract of openapi.yaml, through the client', () => {
  const live = useLiveDescent();
  let descent: DescentClient;
  const ids = {} as Record<'run' | 'queuedRun' | 'objective' | 'dataset' | 'modelRun' | 'sweep' | 'longSweep', string>;

  beforeAll(async () => {
    descent = createClient({ url: live.url, apiKey: live.apiKey });
    const dataset = await descent.api.POST('/v1/datasets', { body: { name: 'contract', features: [[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2]], targets: [0, 1, 1, 0, 1, 0] } });
    ids.dataset = dataset.data!.id;
    ids.run = (await descent.waitForRun((await descent.submitRun(quadratic)).id)).id;
    ids.modelRun = (await descent.waitForRun((await descent.submitRun({
      objective: { type: 'model', model: 'logistic', data: { id: ids.dataset } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 20 },
    })).id)).id;
    ids.sweep = (await descent.submitSweep({
      base: quadratic, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.05] } }, sampler: { type: 'grid' },
    })).id;
  });

  /** One call per operation, in an order where each finds what it needs (deletions last). */
  const calls: Record<string, { status: number; call: () => Promise<Answer> }> = {
    'GET /healthz': { status: 200, call: () => descent.api.GET('/healthz') },
    'GET /readyz': { status: 200, call: () => descent.api.GET('/readyz') },
    'GET /metrics': { status: 200, call: () => descent.api.GET('/metrics', { parseAs: 'text' }) },
    'GET /v1/optimizers': { status: 200, call: () => descent.api.GET('/v1/optimizers') },
    'GET /v1/parallel-algorithms': { status: 200, call: () => descent.api.GET('/v1/parallel-algorithms') },
    'GET /v1/benchmarks': { status: 200, call: () => descent.api.GET('/v1/benchmarks') },
    'GET /v1/metric-fields': { status: 200, call: () => descent.api.GET('/v1/metric-fields') },
    'POST /v1/objectives': {
      status: 201,
      call: async () => {
        const answer = await descent.api.POST('/v1/objectives', { body: { name: 'bowl', objective: { type: 'expression', expression: 'x^2 + y^2', variables: ['x', 'y'] } } });
        ids.objective = answer.data?.id ?? '';
        return answer;
      },
    },
    'GET /v1/objectives': { status: 200, call: () => descent.api.GET('/v1/objectives', { params: { query: { limit: 10 } } }) },
    'GET /v1/objectives/{id}': { status: 200, call: () => descent.api.GET('/v1/objectives/{id}', { params: { path: { id: ids.objective } } }) },
    'POST /v1/objectives/check': {
      status: 200,
      call: () => descent.api.POST('/v1/objectives/check', { body: { objective: { type: 'benchmark', name: 'beale' } } }),
    },
    'POST /v1/datasets': {
      status: 201,
      call: () => descent.api.POST('/v1/datasets', { body: { name: 'spare', features: [[1], [2], [3]], targets: [2, 4, 6] } }),
    },
    'GET /v1/datasets': { status: 200, call: () => descent.api.GET('/v1/datasets') },
    'GET /v1/datasets/{id}': { status: 200, call: () => descent.api.GET('/v1/datasets/{id}', { params: { path: { id: ids.dataset } } }) },
    'GET /v1/datasets/{id}/data': { status: 200, call: () => descent.api.GET('/v1/datasets/{id}/data', { params: { path: { id: ids.dataset } } }) },
    'POST /v1/runs': {
      status: 201,
      call: async () => {
        const answer = await descent.api.POST('/v1/runs', { body: { ...quadratic, training: { maxSteps: 50_000_000 } }, params: { header: { 'idempotency-key': 'contract-long-run' } } });
        ids.queuedRun = answer.data?.id ?? '';
        return answer;
      },
    },
    'GET /v1/runs': { status: 200, call: () => descent.api.GET('/v1/runs', { params: { query: { limit: 5, status: 'completed' } } }) },
    'GET /v1/runs/{id}': { status: 200, call: () => descent.api.GET('/v1/runs/{id}', { params: { path: { id: ids.run } } }) },
    'GET /v1/runs/{id}/metrics': {
      status: 200,
      call: () => descent.api.GET('/v1/runs/{id}/metrics', { params: { path: { id: ids.run }, query: { maxPoints: 20 } } }),
    },
    'GET /v1/runs/{id}/landscape': {
      status: 200,
      call: () => descent.api.GET('/v1/runs/{id}/landscape', { params: { path: { id: ids.run }, query: { resolution: 8 } } }),
    },
    'GET /v1/runs/{id}/parameters': { status: 200, call: () => descent.api.GET('/v1/runs/{id}/parameters', { params: { path: { id: ids.modelRun } } }) },
    'GET /v1/runs/{id}/events': {
      status: 200,
      call: async () => readStream(await descent.api.GET('/v1/runs/{id}/events', { params: { path: { id: ids.run } }, parseAs: 'stream' })),
    },
    'POST /v1/runs/{id}/cancel': {
      status: 202,
      call: async () => {
        // Cancelling once the long run is running: 202, it stops within a slice.
        for await (const event of descent.runEvents(ids.queuedRun)) if (event.type === 'progress') break;
        return descent.api.POST('/v1/runs/{id}/cancel', { params: { path: { id: ids.queuedRun } } });
      },
    },
    'POST /v1/sweeps': {
      status: 201,
      call: async () => {
        const answer = await descent.api.POST('/v1/sweeps', {
          body: { base: { ...quadratic, training: { maxSteps: 50_000_000 } }, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, budget: { maxTrials: 50 } },
        });
        ids.longSweep = answer.data?.id ?? '';
        return answer;
      },
    },
    'GET /v1/sweeps': { status: 200, call: () => descent.api.GET('/v1/sweeps', { params: { query: { limit: 5 } } }) },
    'GET /v1/sweeps/{id}/events': {
      status: 200,
      call: async () => readStream(await descent.api.GET('/v1/sweeps/{id}/events', { params: { path: { id: ids.sweep } }, parseAs: 'stream' })),
    },
    'GET /v1/sweeps/{id}': { status: 200, call: () => descent.api.GET('/v1/sweeps/{id}', { params: { path: { id: ids.sweep } } }) },
    'GET /v1/sweeps/{id}/trials': { status: 200, call: () => descent.api.GET('/v1/sweeps/{id}/trials', { params: { path: { id: ids.sweep } } }) },
    'POST /v1/sweeps/{id}/cancel': { status: 200, call: () => descent.api.POST('/v1/sweeps/{id}/cancel', { params: { path: { id: ids.longSweep } } }) },
    'DELETE /v1/runs/{id}': { status: 204, call: () => descent.api.DELETE('/v1/runs/{id}', { params: { path: { id: ids.modelRun } } }) },
    'DELETE /v1/objectives/{id}': { status: 204, call: () => descent.api.DELETE('/v1/objectives/{id}', { params: { path: { id: ids.objective } } }) },
    'DELETE /v1/datasets/{id}': { status: 204, call: () => descent.api.DELETE('/v1/datasets/{id}', { params: { path: { id: ids.dataset } } }) },
  };

  it('calls every operation of the document, and nothing it does not document', () => {
    expect(Object.keys(calls).sort()).toEqual([...documented].sort());
  });

  for (const [operation, { status, call }] of Object.entries(calls)) {
    it(`${operation} answers as documented`, async () => {
      expectDocumented(operation, await call(), status);
    });
  }

  it('refuses a body that breaks the document (the check is not vacuous)', async () => {
    const answer = await descent.api.GET('/v1/runs/{id}', { params: { path: { id: ids.run } } });
    const { status: _status, ...withoutStatus } = answer.data!;
    expect(() => expectDocumented('GET /v1/runs/{id}', { ...answer, data: withoutStatus }, 200)).toThrow(/status/);
    expect(() => expectDocumented('GET /v1/runs/{id}', { ...answer, data: { ...answer.data, attempts: 'one' } }, 200)).toThrow(/attempts/);
  });

  it('documents the problems the client meets: 400, 401, 404, 409', async () => {
    const bad = await descent.api.POST('/v1/runs', { body: { ...quadratic, training: { maxSteps: 0 } } });
    expectDocumented('POST /v1/runs', bad, 400);
    const stranger = createClient({ url: live.url, apiKey: 'not-a-key' });
    expectDocumented('GET /v1/runs', await stranger.api.GET('/v1/runs'), 401);
    expectDocumented('GET /v1/sweeps/{id}', await descent.api.GET('/v1/sweeps/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } }), 404);
    expectDocumented('POST /v1/runs/{id}/cancel', await descent.api.POST('/v1/runs/{id}/cancel', { params: { path: { id: ids.run } } }), 409);
  });
});
