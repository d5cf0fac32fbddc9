/**
 * The problems of a tenant's quotas: which setting sets each, what it counts, its status. A
 * quota that frees itself as runs finish is a 429 (`quota_exceeded`: try again later); one of
 * storage, which only the tenant's deletions free, a 403 (`storage_quota_exceeded`).
 */
import { AppError } from './app-error.ts';

const quotas = {
  TENANT_MAX_ACTIVE_RUNS: {
    status: 429, code: 'quota_exceeded', counts: 'queued or running runs',
    advice: 'submit again once some have finished, or cancel some',
  },
  TENANT_MAX_METRIC_ROWS: {
    status: 403, code: 'storage_quota_exceeded', counts: 'metric rows, stored or bounded by unfinished runs (their updates / record.every)',
    advice: 'delete finished runs, record fewer steps (a larger record.every) or make fewer updates (a lower maxSteps, fewer epochs or larger batches)',
  },
  TENANT_MAX_DATASET_BYTES: {
    status: 403, code: 'storage_quota_exceeded', counts: 'bytes of stored datasets',
    advice: 'delete datasets that are no longer needed (after the runs and stored objectives that use them)',
  },
} as const;

export type QuotaName = keyof typeof quotas;

export interface QuotaCheck {
  readonly limit: number;
  /** What the tenant has now, this request not counted. */
  readonly used: number;
  /** What this request would add. */
  readonly requested: number;
}

export function quotaExceeded(name: QuotaName, { limit, used, requested }: QuotaCheck): AppError {
  const { status, code, counts, advice } = quotas[name];
  const message = `At most ${limit} ${counts} (${name}).`;
  return new AppError(status, code, code === 'quota_exceeded' ? 'A quota of the tenant is reached' : 'A storage quota of the tenant is reached', {
    detail: `This tenant has ${used} ${counts} of its quota ${name} of ${limit}; this request needs ${requested} more. `
      + `To go on, ${advice}.`,
    errors: [{ path: '', message, code: name }],
    quota: { name, limit, used, requested },
  });
}
