/**
 * Limits for coalescing the hottest single-row statements (the API's key check of every
 * request and insert of every submitted run, a worker's start of every run) into batches
 * (src/concurrency/coalescer.ts): on a busy machine a round trip to PostgreSQL costs far more
 * than the rows it carries.
 */
import type { CoalescerOptions } from '../concurrency/coalescer.ts';

/**
 * A statement that failed on a value (SQLSTATE class 22, data exception) or a constraint
 * (class 23, e.g. a tenant that no longer exists): the fault of one row, not of the batch.
 */
export function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export const statementBatchLimits: CoalescerOptions = {
  /** Rows per statement: more than a burst of requests brings at once, few enough to stay a small statement. */
  maxBatch: 64,
  /**
   * Statements of one kind in flight: one, so that calls gather into larger batches while it
   * runs (measured: 0.8 transactions per run instead of 1.4 with two, and more runs per second),
   * and the other connections of the pool stay free for other queries.
   */
  concurrency: 1,
  /** A statement one row makes fail is tried again row by row, so the others still get in. */
  isolate: isRowError,
};
