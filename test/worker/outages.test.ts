/**
 * A job's attempt through outages: kept and tried again while the database is unreachable or
 * PostgreSQL cancels its statements at its bound, but only so many of those cancels in a row,
 * so that a statement that is always too slow fails the attempt instead of being tried forever.
 */
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { processThroughOutages, type OutageContext } from '../../src/worker/outages.ts';

/** Errors as node-postgres reports them. */
const statementTimeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
const userCancel = Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function context(warnings: string[] = []): OutageContext {
  return {
    jobId: '1',
    logger: { warn: (_fields: object, message: string) => void warnings.push(message), info: () => undefined },
    signal: new AbortController().signal,
    delays: { firstMs: 1, maxMs: 1 },
  } as unknown as OutageContext;
}

/** An attempt that throws each of `errors` in turn, then succeeds; `calls` counts its tries. */
function attempts(errors: Error[]) {
  const state = { calls: 0 };
  const attempt = async () => {
    const error = errors[state.calls++];
    if (error) throw error;
  };
  return { state, attempt };
}

const job = {} as Job;

describe('an attempt through outages', () => {
  it('fails at the third statement cancelled at PostgreSQL\'s bound in a row, not before', async () => {
    const warnings: string[] = [];
    const { state, attempt } = attempts(Array.from({ length: 10 }, () => statementTimeout));
    await expect(processThroughOutages(job, undefined, attempt, context(warnings))).rejects.toThrow(/cancelled a statement of the job at its bound 3 times in a row/);
    expect(state.calls).toBe(3);
    expect(warnings).toContain('database or Redis unreachable; keeping the job and retrying');
  });

  it('keeps the job through statement timeouts that another outage breaks up, and through any outage in between', async () => {
    const { state, attempt } = attempts([statementTimeout, statementTimeout, refused, statementTimeout, statementTimeout, refused, refused]);
    await processThroughOutages(job, undefined, attempt, context());
    expect(state.calls).toBe(8);
  });

  it('keeps the job through statement timeouts further apart than the window: a long run that met one now and then', async () => {
    const slowly = async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw statementTimeout;
    };
    let calls = 0;
    const attempt = async () => {
      if (++calls <= 5) await slowly();
    };
    await processThroughOutages(job, undefined, attempt, { ...context(), statementTimeoutsWithinMs: 10 });
    expect(calls).toBe(6);
  });

  it('fails at once for a statement cancelled otherwise than at the bound', async () => {
    const { state, attempt } = attempts([userCancel]);
    await expect(processThroughOutages(job, undefined, attempt, context())).rejects.toBe(userCancel);
    expect(state.calls).toBe(1);
  });
});
