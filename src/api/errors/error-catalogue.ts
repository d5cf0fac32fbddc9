/**
 * Every `code` the API can answer with, its status and when it happens: the one list behind
 * AppError's codes (a code missing here does not compile), the README's error table (written
 * from it by `npm run openapi`; a test fails when they differ) and the Problem schema's description.
 */
export interface ErrorDefinition {
  readonly status: number;
  /** When a client gets it, in a few words (a README table cell). */
  readonly when: string;
}

export const errorCatalogue = {
  validation_failed: { status: 400, when: 'the body, query or path is wrong; `errors` names every bad field' },
  invalid_json: { status: 400, when: 'the body is not valid JSON' },
  invalid_cursor: { status: 400, when: 'a `cursor` the API did not issue' },
  invalid_content_length: { status: 400, when: '`Content-Length` does not match the body' },
  bad_url: { status: 400, when: 'the URL cannot be decoded' },
  bad_request: { status: 400, when: 'any other malformed request' },
  unauthorized: { status: 401, when: 'no key, or an unknown or revoked one' },
  storage_quota_exceeded: { status: 403, when: 'a tenant\'s storage quota would be exceeded (`TENANT_MAX_METRIC_ROWS`, `TENANT_MAX_DATASET_BYTES`); `quota` names it, its limit and the use' },
  not_found: { status: 404, when: 'no such run, sweep, objective or dataset (also another tenant\'s)' },
  objective_not_found: { status: 404, when: 'a run spec\'s `objective.id` names no stored objective of the tenant' },
  dataset_not_found: { status: 404, when: 'a `data.id` names no dataset of the tenant' },
  route_not_found: { status: 404, when: 'no such route' },
  method_not_allowed: { status: 405, when: 'the path exists with other methods (see `Allow`)' },
  request_timeout: { status: 408, when: 'the request was not received in time' },
  idempotency_key_reused: { status: 409, when: 'an `Idempotency-Key` reused with a different spec' },
  run_finished: { status: 409, when: 'cancelling a run that has already finished' },
  sweep_finished: { status: 409, when: 'cancelling a sweep that has already ended, other than by a client\'s cancel' },
  run_active: { status: 409, when: 'deleting a queued or running run (cancel it first)' },
  sweep_active: { status: 409, when: 'deleting a trial of a queued or running sweep (cancel the sweep first, or wait for it to end)' },
  objective_in_use: { status: 409, when: 'deleting a stored objective that a run (finished or not) or a sweep that has not ended names; `usedBy` counts and lists them' },
  dataset_in_use: { status: 409, when: 'deleting a dataset that a run (finished or not, also through its stored objective), a sweep that has not ended or a stored objective names; `usedBy` counts and lists them' },
  body_too_large: { status: 413, when: 'the body exceeds `BODY_LIMIT_BYTES`' },
  dataset_too_large: { status: 413, when: 'an upload beyond `DATASET_MAX_BYTES`, `DATASET_MAX_ROWS` or `DATASET_MAX_COLUMNS`' },
  headers_too_large: { status: 431, when: 'the request headers exceed the server\'s limit (Node\'s `--max-http-header-size`, 16 KiB by default)' },
  unsupported_media_type: { status: 415, when: 'the body is not `application/json` in UTF-8 (or `text/csv` for datasets)' },
  invalid_objective: { status: 422, when: 'the objective is well formed but cannot be built' },
  non_finite_start: { status: 422, when: 'the objective or its gradient is not finite at the starting point' },
  invalid_dataset: { status: 422, when: 'a JSON dataset whose parts do not fit together (ragged rows, not one target per row, a column given twice in a sparse row); a value beyond a double (`1e400`) is a 400 `validation_failed` naming it' },
  invalid_csv: { status: 422, when: 'a CSV upload that cannot be read; names the line and column' },
  unsupported_data_source: { status: 422, when: 'a `data.path` (files are read by the local CLI only)' },
  landscape_not_two_dimensional: { status: 422, when: '`/landscape` of an objective without exactly two parameters' },
  run_too_large: { status: 422, when: 'a run whose parameters, optimizer state, replicas and data need more than `WORKER_MAX_RUN_BYTES` in a worker; `errors[0].path` names the field' },
  landscape_too_expensive: { status: 422, when: 'a `/landscape` grid over a dataset beyond the evaluation limit; lower `resolution`' },
  quota_exceeded: { status: 429, when: 'a tenant\'s quota of unfinished runs is reached (`TENANT_MAX_ACTIVE_RUNS`); `quota` names it, its limit and the use' },
  too_many_concurrent: { status: 429, when: 'a tenant already has as many metrics exports (`TENANT_MAX_CONCURRENT_EXPORTS`), dataset uploads (`TENANT_MAX_CONCURRENT_UPLOADS`) or deletions (`TENANT_MAX_CONCURRENT_DELETIONS`) in progress on the API process as it may; `quota` names the limit and the use; retry after `Retry-After` seconds' },
  rate_limited: { status: 429, when: 'the key spent its budget, or its address sent more than `AUTH_FAILURES_MAX` bad keys; wait `Retry-After` seconds' },
  threads_busy: { status: 429, when: 'a tenant has 16 heavy requests (256 cheap inspections) waiting for the API\'s threads that build and check objectives, read JSON uploads and write large pages; retry after `Retry-After` seconds' },
  internal_error: { status: 500, when: 'a fault of the service; the details are in its log' },
  database_unavailable: { status: 503, when: 'PostgreSQL is unreachable or did not answer within its bound; retry after `Retry-After` seconds' },
  service_busy: { status: 503, when: 'every database connection for this kind of request stayed in use for as long as the request could wait (most often the service is busy, though a database server that stopped answering while every connection was lent gives it too); retry after `Retry-After` seconds' },
  queue_unavailable: { status: 503, when: 'Redis is unreachable; retry after `Retry-After` seconds' },
  shutting_down: { status: 503, when: 'the API process is shutting down (a deploy or restart); retry after `Retry-After` seconds, on a new connection' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

/** The README's error table, one row per status, codes in catalogue order. */
export function errorTableMarkdown(): string {
  const byStatus = new Map<number, [string, string][]>();
  for (const [code, { status, when }] of Object.entries(errorCatalogue)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), [code, when]]);
  }
  const rows = ['| status | code | when |', '|---|---|---|'];
  for (const [status, entries] of [...byStatus].sort(([a], [b]) => a - b)) {
    for (const [code, when] of entries) rows.push(`| ${status} | \`${code}\` | ${when} |`);
  }
  return rows.join('\n');
}
