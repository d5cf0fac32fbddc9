/**
 * The finishing touches of the OpenAPI document, over what the routes' zod schemas give:
 *
 * - every response named: a sentence per success (below) instead of the generator's
 *   "Default Response", and per error status, with an example problem of the code a client
 *   meets there (from the error catalogue); every success's JSON answer with an example
 *   (response-examples.ts);
 * - one schema per shape: the type provider emits `XInput` beside `X` for every schema; an
 *   `XInput` the same as its `X` is dropped for it, and schemas no operation reaches are removed.
 */
import { isDeepStrictEqual } from 'node:util';
import { errorCatalogue, type ErrorCode } from '../errors/error-catalogue.ts';
import type { UsedBy } from '../../contracts/used-by.ts';
import { problemType } from '../errors/problem.ts';
import type { FieldIssue } from '../../contracts/issues.ts';
import { bodyValidationExamples, responseExamples } from './response-examples.ts';

interface Media { schema?: unknown; example?: unknown; examples?: Record<string, { summary: string; value: unknown }> }
interface Response { description?: string; content?: Record<string, Media> }
interface Parameter { in?: string; name?: string }
interface Operation { parameters?: Parameter[]; requestBody?: unknown; responses?: Record<string, Response> }
interface Document { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }

/** What each success answers, by `METHOD path status`. */
const successes: Record<string, string> = {
  'GET /metrics 200': 'The service\'s metrics in the Prometheus text format.',
  'GET /healthz 200': 'The process is up.',
  'GET /readyz 200': 'PostgreSQL and Redis are reachable.',
  'GET /readyz 503': 'Not ready: the unreachable services are named.',
  'POST /v1/runs 201': 'The run, stored and queued (or the run first created with this Idempotency-Key).',
  'GET /v1/runs 200': 'A page of runs, newest first, with the cursor of the next page.',
  'GET /v1/runs 304': 'Not modified since the ETag sent in If-None-Match.',
  'GET /v1/runs/{id} 200': 'The run: status, progress, early-stopping state and result.',
  'GET /v1/runs/{id} 304': 'Not modified since the ETag sent in If-None-Match.',
  'DELETE /v1/runs/{id} 204': 'Deleted, with everything recorded for the run.',
  'POST /v1/runs/{id}/cancel 200': 'The queued run, cancelled: it never starts.',
  'POST /v1/runs/{id}/cancel 202': 'The running run, asked to stop: it ends within a slice with stopReason `cancelled`.',
  'POST /v1/objectives 201': 'The stored objective, its gradient checked.',
  'GET /v1/objectives 200': 'A page of stored objectives, newest first.',
  'POST /v1/objectives/check 200': 'The objective\'s parameters and its gradient check; nothing is stored.',
  'GET /v1/objectives/{id} 200': 'The stored objective.',
  'DELETE /v1/objectives/{id} 204': 'Deleted.',
  'GET /v1/optimizers 200': 'Every optimizer with its hyperparameters, their defaults and bounds.',
  'GET /v1/parallel-algorithms 200': 'Every parallel algorithm with its settings.',
  'GET /v1/benchmarks 200': 'Every benchmark objective with its sizes.',
  'GET /v1/metric-fields 200': 'Every recorded metric field, with how it is summarised and charted.',
  'GET /v1/runs/{id}/metrics 200': 'Recorded steps (or buckets with `maxPoints`) in step order, in JSON, JSON lines or CSV.',
  'GET /v1/runs/{id}/metrics 304': 'Not modified since the ETag sent in If-None-Match: no new steps.',
  'GET /v1/runs/{id}/landscape 200': 'The objective on a grid over the two parameters, with the run\'s path.',
  'GET /v1/runs/{id}/parameters 200': 'The parameters\' names, in vector order.',
  'GET /v1/runs/{id}/events 200': 'The run\'s event stream, until it ends.',
  'POST /v1/sweeps 201': 'The sweep, stored and started (or the sweep first created with this Idempotency-Key).',
  'GET /v1/sweeps 200': 'A page of sweeps, newest first.',
  'GET /v1/sweeps 304': 'Not modified since the ETag sent in If-None-Match.',
  'GET /v1/sweeps/{id} 200': 'The sweep: progress, trial counts, best trial and, once ended, why.',
  'GET /v1/sweeps/{id}/trials 200': 'The sweep\'s trials, best first (JSON or CSV).',
  'POST /v1/sweeps/{id}/cancel 200': 'The sweep, cancelled with its running trials.',
  'GET /v1/sweeps/{id}/events 200': 'The sweep\'s event stream, until it ends.',
  'POST /v1/datasets 201': 'The stored dataset (or the same content uploaded before).',
  'GET /v1/datasets 200': 'A page of datasets, newest first.',
  'GET /v1/datasets/{id} 200': 'The dataset: its shape, columns and content hash.',
  'DELETE /v1/datasets/{id} 204': 'Deleted.',
  'GET /v1/datasets/{id}/data 200': 'A page of the dataset\'s rows.',
};

/** What an error status means, whatever the route. */
const failures: Record<string, string> = {
  400: 'The request is invalid: the problem names every bad field in `errors`.',
  401: 'No API key, or an unknown or revoked one.',
  403: 'A storage quota of the tenant would be exceeded: `quota` names it, its limit and the use.',
  404: 'Not found (another tenant\'s resource is not found either).',
  409: 'The resource\'s state does not allow it: `code` says why.',
  413: 'The body is too large.',
  415: 'The body\'s media type is not accepted.',
  422: 'Well formed, but it cannot be used: `code` and `detail` say why.',
  429: 'The key spent its request budget, or the tenant has as many requests waiting for the API\'s threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it).',
  503: 'A service Descent needs is unreachable: retry after `Retry-After` seconds.',
};

/** Whether an operation takes a `cursor` query parameter: a paged list, whose 400 is most often a stale or forged cursor. */
const paged = (operation: Operation) => (operation.parameters ?? []).some((parameter) => parameter.in === 'query' && parameter.name === 'cursor');

/** The code a client most likely meets at an error status of a route. */
function exampleCode(method: string, path: string, status: string, operation: Operation): ErrorCode | undefined {
  const resource = /^\/v1\/(runs|sweeps|objectives|datasets)/.exec(path)?.[1];
  switch (status) {
    case '400': return paged(operation) ? 'invalid_cursor' : 'validation_failed';
    case '401': return 'unauthorized';
    case '403': return 'storage_quota_exceeded';
    case '404': return 'not_found';
    case '409':
      if (path.endsWith('/cancel')) return resource === 'sweeps' ? 'sweep_finished' : 'run_finished';
      if (method === 'delete') return ({ runs: 'run_active', objectives: 'objective_in_use', datasets: 'dataset_in_use' } as const)[resource as 'runs'];
      return 'idempotency_key_reused';
    case '413': return resource === 'datasets' ? 'dataset_too_large' : 'body_too_large';
    case '415': return 'unsupported_media_type';
    case '422':
      if (path.endsWith('/landscape')) return 'landscape_not_two_dimensional';
      return resource === 'datasets' ? 'invalid_dataset' : 'invalid_objective';
    case '429': return 'rate_limited';
    case '503': return method === 'get' ? 'database_unavailable' : 'queue_unavailable';
    default: return undefined;
  }
}

/** What keeps the stored objective or dataset of a 409 `objective_in_use` or `dataset_in_use` example. */
const usedByExamples: Partial<Record<ErrorCode, UsedBy>> = {
  objective_in_use: {
    runs: 2, unfinishedRuns: 1, sweeps: 1, objectives: 0,
    runIds: ['9b2e7c41-0d3a-4f6e-8c5b-1a7d2e9f4b60', '5e8a1f3c-7b2d-4c9e-a6f0-3d1b8e2c7a45'], sweepIds: ['c4d7e2a9-6f1b-4e3c-8a5d-2b9f0e7c1d36'], objectiveIds: [],
  },
  dataset_in_use: {
    runs: 1, unfinishedRuns: 0, sweeps: 0, objectives: 1,
    runIds: ['9b2e7c41-0d3a-4f6e-8c5b-1a7d2e9f4b60'], sweepIds: [], objectiveIds: ['7a3f5c2e-1d8b-4e6a-9c0f-4b2d7e8a1c53'],
  },
};

/**
 * The bad field of a `validation_failed` example: one of the route's body where it takes one
 * (response-examples.ts has one for each), else a query parameter it does not take (a misspelt
 * `limit`), the mistake a client makes there.
 */
function badField(method: string, path: string, operation: Operation): FieldIssue {
  if (operation.requestBody === undefined) return { path: 'lmit', message: 'Unknown field.', code: 'unrecognized_keys' };
  const route = `${method.toUpperCase()} ${path}`;
  const issue = bodyValidationExamples[route];
  if (issue === undefined) throw new Error(`${route} takes a body: give its 400 example a bad field in bodyValidationExamples (response-examples.ts)`);
  // A copy: the same object in two examples is written once in openapi.yaml, and named by an alias in the other.
  return { ...issue };
}

function problemExample(code: ErrorCode, method: string, path: string, operation: Operation) {
  const { status, when } = errorCatalogue[code];
  const detail = `${when[0].toUpperCase()}${when.slice(1)}.`.replaceAll('`', '');
  const title = `${code[0].toUpperCase()}${code.slice(1).replaceAll('_', ' ')}`;
  const errors = code === 'validation_failed' ? { errors: [badField(method, path, operation)] }
    : code === 'storage_quota_exceeded' ? {
      errors: [{ path: '', message: 'At most 1000000 metric rows, stored or bounded by unfinished runs (their updates / record.every) (TENANT_MAX_METRIC_ROWS).', code: 'TENANT_MAX_METRIC_ROWS' }],
      quota: { name: 'TENANT_MAX_METRIC_ROWS', limit: 1_000_000, used: 995_000, requested: 10_000 },
    } : {};
  const usedBy = usedByExamples[code] === undefined ? {} : { usedBy: usedByExamples[code] };
  return { type: problemType(code), title, status, detail, instance: path.replace('{id}', '3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b'), code, ...errors, ...usedBy };
}

function nameResponses(document: Document): void {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const problem = response.content?.['application/problem+json'];
        if (problem && Number(status) >= 400 && !(path === '/readyz')) {
          response.description = failures[status] ?? response.description;
          const code = exampleCode(method, path, status, operation);
          if (code) problem.examples = { [code]: { summary: errorCatalogue[code].when.replaceAll('`', ''), value: problemExample(code, method, path, operation) } };
          continue;
        }
        const key = `${method.toUpperCase()} ${path} ${status}`;
        response.description = successes[key] ?? response.description;
        const json = response.content?.['application/json'];
        if (json && key in responseExamples) json.example = responseExamples[key];
      }
    }
  }
}

const reference = (name: string) => `#/components/schemas/${name}`;

function rewriteReferences(node: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteReferences(item, renames));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? renames.get(value) ?? value : rewriteReferences(value, renames)]));
}

function referencedNames(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) referencedNames(item, into);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(reference(''))) into.add(value.slice(reference('').length));
      else referencedNames(value, into);
    }
  }
  return into;
}

/** Drops each `XInput` identical to `X` (once the references inside both agree), then what nothing reaches. */
function oneSchemaPerShape(document: Document): Document {
  let current = document;
  for (;;) {
    const schemas = current.components?.schemas ?? {};
    const renames = new Map<string, string>();
    for (const name of Object.keys(schemas)) {
      const output = name.endsWith('Input') ? name.slice(0, -'Input'.length) : undefined;
      if (output && output in schemas && isDeepStrictEqual(schemas[name], schemas[output])) renames.set(reference(name), reference(output));
    }
    if (renames.size === 0) break;
    current = rewriteReferences(current, renames) as Document;
    for (const name of renames.keys()) delete current.components!.schemas![name.slice(reference('').length)];
  }
  // What the paths reach, directly or through other schemas.
  const schemas = current.components?.schemas ?? {};
  const reached = referencedNames(current.paths, new Set());
  for (let frontier = [...reached]; frontier.length > 0;) {
    const next = [...referencedNames(frontier.map((name) => schemas[name]), new Set())].filter((name) => !reached.has(name));
    for (const name of next) reached.add(name);
    frontier = next;
  }
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
  return current;
}

/** Refuses a bad field of bodyValidationExamples that no route taking a body shows: a stale entry. */
function refuseStaleBodyExamples(document: Document): void {
  const taking = new Set(Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
    Object.entries(operations).filter(([, operation]) => operation.requestBody !== undefined).map(([method]) => `${method.toUpperCase()} ${path}`)));
  const stale = Object.keys(bodyValidationExamples).filter((route) => !taking.has(route));
  if (stale.length > 0) throw new Error(`bodyValidationExamples (response-examples.ts) names ${stale.join(', ')}, which no route taking a body is: take it out, or name the route as it is now`);
}

export function refineDocument<D>(document: D): D {
  refuseStaleBodyExamples(document as Document);
  const refined = oneSchemaPerShape(document as Document);
  nameResponses(refined);
  return refined as D;
}
