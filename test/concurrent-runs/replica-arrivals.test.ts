/** The coordinator's wait for a concurrent run's replicas to reach a worker, driven with hand-made looks. */
import { describe, expect, it } from 'vitest';
import { describeFailedReplicas, describeMissingReplicas, ReplicaArrivals, seenTo } from '../../src/concurrent-runs/replica-arrivals.ts';

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

  it('counts the time between two looks at which a replica is missing and its wait counts; of a gap (an outage, a busy event loop) at most a second', () => {
    const arrivals = new ReplicaArrivals(2, 3_000);
    expect(arrivals.overdue(0, true)).toBe(false);
    expect(arrivals.overdue(600, true)).toBe(false); // 600 ms
    expect(arrivals.overdue(60_600, true)).toBe(false); // a minute away: a second
    expect(arrivals.overdue(60_900, false)).toBe(false); // not counting (stopping, or the jobs waiting their turn)
    expect(arrivals.overdue(61_900, true)).toBe(false); // counting again, not at the look before: nothing
    expect(arrivals.overdue(63_100, true)).toBe(false); // a second of 1.2 s: 2,600 ms
    expect(arrivals.waited).toBe(2_600);
    expect(arrivals.overdue(63_500, true)).toBe(true); // 3,000 ms
  });

  it('counts nothing of a job a worker held at one look and whose replica it began by the next', () => {
    const arrivals = new ReplicaArrivals(2, 1_000);
    expect(arrivals.overdue(0, false)).toBe(false);
    expect(arrivals.overdue(1_000, true)).toBe(false); // replica 1's job held, the replica not begun yet
    expect(arrivals.overdue(2_000, false)).toBe(false); // begun (or its job waits its turn)
    expect(arrivals.waited).toBe(0);
  });

  it('a busy event loop, every look over a second apart, still reaches the bound', () => {
    const arrivals = new ReplicaArrivals(1, 1_000);
    expect(arrivals.overdue(0, true)).toBe(false);
    expect(arrivals.overdue(1_100, true)).toBe(true);
  });

  it('goes on from the time an earlier coordinator had counted', () => {
    const arrivals = new ReplicaArrivals(1, 1_000, 900);
    expect(arrivals.overdue(5_000, true)).toBe(false);
    expect(arrivals.overdue(5_100, true)).toBe(true);
  });

  it('a job waiting while a worker serves the queue waits its turn; one held by a worker not beginning its replica, a failed or lost one, or one no worker serves, does not', () => {
    const job = (state: string) => ({ state, alive: false });
    expect(seenTo([job('waiting'), job('prioritized'), job('delayed')], 1)).toBe(true);
    expect(seenTo([job('waiting'), job('active')], 1)).toBe(false);
    expect(seenTo([job('waiting')], 0)).toBe(false);
    expect(seenTo([job('waiting'), job('failed')], 2)).toBe(false);
    expect(seenTo([job('unknown')], 2)).toBe(false);
  });

  it('a job held by a worker that shows it starting the replica (its heartbeat fresh) is seen to, however long; a failed one is not', () => {
    expect(seenTo([{ state: 'waiting', alive: false }, { state: 'active', alive: true }], 1)).toBe(true);
    expect(seenTo([{ state: 'active', alive: true }], 0)).toBe(true);
    expect(seenTo([{ state: 'failed', alive: true }], 1)).toBe(false);
  });

  it('never is overdue once every replica has reached a worker', () => {
    const arrivals = new ReplicaArrivals(1, 1_000);
    arrivals.overdue(0, true);
    arrivals.see({ 'worker:0': 'host:1' });
    expect(arrivals.overdue(900, true)).toBe(false);
    expect(arrivals.overdue(1_800, true)).toBe(false);
  });

  it('says which replicas did not begin and where their jobs are, of a failure its reason\'s first line', () => {
    expect(describeMissingReplicas([{ replica: 1, state: 'failed', failedReason: '\nInvalid `prisma.run.findUnique()` invocation in\n/srv/descent/src/x.ts:40:12\n  39 |', alive: false }], 600_000, 1)).toBe(
      'Replica 1 did not begin within REPLICA_START_TIMEOUT_MS (600 s counted, not while its job waited its turn for a worker or a worker was starting the replica): '
      + 'replica 1\'s job failed: Invalid `prisma.run.findUnique()` invocation in. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
    expect(describeMissingReplicas([
      { replica: 0, state: 'unknown', failedReason: null, alive: false },
      { replica: 2, state: 'prioritized', failedReason: null, alive: false },
      { replica: 3, state: 'active', failedReason: null, alive: false },
      { replica: 4, state: 'active', failedReason: null, alive: true },
    ], 1_500, 0)).toBe(
      'Replicas 0, 2, 3 and 4 did not begin within REPLICA_START_TIMEOUT_MS (1.5 s counted, not while their jobs waited their turn for a worker or a worker was starting the replicas): '
      + 'replica 0\'s job is gone from the replicas queue (Redis lost it); '
      + 'replica 2\'s job is waiting in the replicas queue, which no worker process serves; '
      + 'replica 3\'s job is held by a worker that has not begun the replica and shows no sign of starting it; '
      + 'replica 4\'s job is held by a worker starting the replica. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
  });

  it('says which replica jobs failed for good, how far each replica got, and why', () => {
    expect(describeFailedReplicas([
      { replica: 1, failedReason: 'a replica broke\n    at step (/srv/x.ts:1:1)', steps: 1 },
      { replica: 3, failedReason: null, steps: null },
    ])).toBe(
      'Replica 1\'s job failed for good after the replica pushed 1 step: a replica broke; '
      + 'replica 3\'s job failed for good before the replica began: no reason given. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
  });
});
