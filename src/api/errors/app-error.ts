/**
 * The one error type routes throw on purpose. `code` is stable (clients branch on it); `title`
 * is the same for every occurrence of a code; `detail` explains this occurrence.
 */
import type { FieldIssue } from '../../contracts/issues.ts';
import type { UsedBy } from '../../contracts/used-by.ts';
import type { ErrorCode } from './error-catalogue.ts';
import type { QuotaUse } from './problem.ts';

export interface AppErrorOptions {
  readonly detail?: string;
  readonly errors?: readonly FieldIssue[];
  readonly headers?: Readonly<Record<string, string>>;
  /** The quota the request would exceed (`quota_exceeded`, `storage_quota_exceeded`). */
  readonly quota?: QuotaUse;
  /** What keeps a stored objective or dataset (`objective_in_use`, `dataset_in_use`). */
  readonly usedBy?: UsedBy;
  readonly cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly detail: string | undefined;
  readonly errors: readonly FieldIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly quota: QuotaUse | undefined;
  readonly usedBy: UsedBy | undefined;

  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.quota = options.quota;
    this.usedBy = options.usedBy;
  }
}

/**
 * 404 for the tenant's `kind` (`run`, `sweep`, ...) named `id` in the path. A path whose id is
 * empty or blank (`/v1/runs//metrics`) names none, and says so rather than quoting nothing.
 */
export const noSuch = (kind: string, id: string): AppError =>
  new AppError(404, 'not_found', `${kind[0]!.toUpperCase() + kind.slice(1)} not found`, {
    detail: id.trim() === '' ? `The ${kind} id in the path is ${id ? 'blank' : 'empty'}.` : `There is no ${kind} ${id}.`,
  });
