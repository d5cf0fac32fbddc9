/**
 * Limits for coalescing the hottest single-row statements (the API's key check of every
 * request and insert of every submitted run, a worker's start of every run) into batches
 * (src/concurrency/coalescer.ts): on a busy machine a round trip to PostgreSQL costs far more
 * than the rows it carries.
 */
import type { CoalescerOptions } from '../concurrency/coalescer.ts';

export const statementBatchLimits: CoalescerOptions = {
  /** Rows per statement: more than a burst of requests brings at once, few enough to stay a small statement. */
  maxBatch: 64,
  /** Statements of one kind in flight: half of the API's pool of 4 connections, leaving the rest to the other queries. */
  concurrency: 2,
};
