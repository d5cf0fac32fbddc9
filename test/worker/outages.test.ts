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

  it('keeps the job through statement timeouts further apart than five bounds (ten minutes at least): a long run that met one now and then', async () => {
    // Each try runs for eleven minutes, or 5.5 bounds of 2 minutes, before it meets the bound.
    for (const [statementBoundMs, minutesApart] of [[undefined, 11], [120_000, 11]] as const) {
      let clock = 0;
      const { state, attempt } = attempts(Array.from({ length: 5 }, () => statementTimeout));
      const running = async () => {
        clock += minutesApart * 60_000;
        await attempt();
      };
      await processThroughOutages(job, undefined, running, { ...context(), statementBoundMs, now: () => clock });
      expect(state.calls).toBe(6);
    }
    // With a bound of 3 minutes, tries 11 minutes apart are still in a row.
    let clock = 0;
    const { state, attempt } = attempts(Array.from({ length: 5 }, () => statementTimeout));
    const running = async () => {
      clock += 11 * 60_000;
      await attempt();
    };
    await expect(processThroughOutages(job, undefined, running, { ...context(), statementBoundMs: 180_000, now: () => clock })).rejects.toThrow(/3 times in a row/);
    expect(state.calls).toBe(3);
  });

  it('fails at once for a statement cancelled otherwise than at the bound', async () => {
    const { state, attempt } = attempts([userCancel]);
    await expect(processThroughOutages(job, undefined, attempt, context())).rejects.toBe(userCancel);
    expect(state.calls).toBe(1);
  });
});
