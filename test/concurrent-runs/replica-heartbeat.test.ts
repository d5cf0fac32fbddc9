/** How long a replica's heartbeat lasts, from its worker's settings. */
import { describe, expect, it } from 'vitest';
import { heartbeatLifetimeMs } from '../../src/concurrent-runs/replica-heartbeat.ts';

describe('a replica\'s heartbeat', () => {
  it('lasts the lock duration plus the longest of the lock duration, a statement\'s bound and an outage\'s retry delay', () => {
    // The defaults: locks of 10 s, statements of 60 s, outages retried 5 s apart at most.
    expect(heartbeatLifetimeMs({ lockDurationMs: 10_000, statementTimeoutMs: 60_000, outageRetryMs: 5_000 })).toBe(70_000);
    // The outage's 5 s is the longest wait.
    expect(heartbeatLifetimeMs({ lockDurationMs: 1_000, statementTimeoutMs: 2_000, outageRetryMs: 5_000 })).toBe(6_000);
    // The lock duration again: a step that holds the event loop longer loses the job anyway.
    expect(heartbeatLifetimeMs({ lockDurationMs: 1_000, outageRetryMs: 200 })).toBe(2_000);
  });
});
