/** The coordinator's wait for a concurrent run's replicas to reach a worker, driven with hand-made looks. */
import { describe, expect, it } from 'vitest';
import { describeMissingReplicas, ReplicaArrivals } from '../../src/concurrent-runs/replica-arrivals.ts';

describe('replica arrivals', () => {
  it('a replica has reached a worker once the server shows it registered, exchanged or finished, and stays so', () => {
    const arrivals = new ReplicaArrivals(4, 1_000);
    arrivals.see({ 'worker:0': 'host:1', 'seq:1': '3', 'finished:2': '1' });
    expect(arrivals.missing()).toEqual([3]);
    // A server written back from a state read before they registered.
    arrivals.see({});
    expect(arrivals.missing()).toEqual([3]);
    expect(arrivals.reachedWorker(0)).toBe(true);
    expect(arrivals.reachedWorker(3)).toBe(false);
  });

  it('counts the time between looks while a replica is missing and the run waits; a gap over a second (an outage) does not count', () => {
    const arrivals = new ReplicaArrivals(2, 1_000);
    expect(arrivals.overdue(0, true)).toBe(false);
    expect(arrivals.overdue(600, true)).toBe(false); // 600 ms
    expect(arrivals.overdue(60_600, true)).toBe(false); // a minute away: not counted
    expect(arrivals.overdue(60_900, false)).toBe(false); // stopping: not counted
    expect(arrivals.overdue(61_200, true)).toBe(false); // 900 ms
    expect(arrivals.overdue(61_300, true)).toBe(true); // 1,000 ms
  });

  it('never is overdue once every replica has reached a worker', () => {
    const arrivals = new ReplicaArrivals(1, 1_000);
    arrivals.overdue(0, true);
    arrivals.see({ 'worker:0': 'host:1' });
    expect(arrivals.overdue(900, true)).toBe(false);
    expect(arrivals.overdue(1_800, true)).toBe(false);
  });

  it('says which replicas no worker took and where their jobs are', () => {
    expect(describeMissingReplicas([{ replica: 1, state: 'failed', failedReason: 'connection reset' }], 600_000)).toBe(
      'No worker took replica 1\'s job within 600 s of its queueing (REPLICA_START_TIMEOUT_MS): it failed: connection reset. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
    expect(describeMissingReplicas([
      { replica: 0, state: 'unknown', failedReason: null },
      { replica: 2, state: 'prioritized', failedReason: null },
      { replica: 3, state: 'active', failedReason: null },
    ], 1_500)).toBe(
      'No worker took the jobs of replicas 0, 2 and 3 within 1.5 s of their queueing (REPLICA_START_TIMEOUT_MS): '
      + 'replica 0\'s is gone from the replicas queue (Redis lost it); '
      + 'replica 2\'s is still waiting in the replicas queue (no worker process serves that queue, or every worker\'s replica slots, REPLICA_CONCURRENCY, stayed busy); '
      + 'replica 3\'s is taken by a worker that has not begun the replica (its objective still building, or the worker stuck). '
      + 'The run stopped with the steps of the replicas that ran.',
    );
  });
});
