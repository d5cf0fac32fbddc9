/** The coordinator's count of a begun replica's stall (its worker holds its job, its loop gives no sign), driven with hand-made looks. */
import { describe, expect, it } from 'vitest';
import { describeStalledReplicas, ReplicaStalls } from '../../src/concurrent-runs/replica-stalls.ts';

describe('replica stalls', () => {
  it('counts a replica\'s time between two looks at which it stalled, of a gap at most a second, and is past the bound once that reaches it', () => {
    const stalls = new ReplicaStalls(3, 2_000);
    expect(stalls.look(0, new Set([1]))).toEqual([]);
    expect(stalls.look(700, new Set([1, 2]))).toEqual([]); // replica 1: 700 ms; replica 2 stalls from here
    expect(stalls.look(60_700, new Set([1, 2]))).toEqual([]); // a minute away: a second each
    expect(stalls.counted).toEqual([0, 1_700, 1_000]);
    expect(stalls.look(61_000, new Set([1, 2]))).toEqual([1]);
    expect(stalls.counted).toEqual([0, 2_000, 1_300]);
  });

  it('starts again from nothing at any sign of the replica (a beat, its job no longer held)', () => {
    const stalls = new ReplicaStalls(1, 2_000);
    stalls.look(0, new Set([0]));
    stalls.look(900, new Set([0]));
    expect(stalls.look(1_800, new Set())).toEqual([]);
    expect(stalls.counted).toEqual([0]);
    expect(stalls.look(2_700, new Set([0]))).toEqual([]); // stalled again, not at the look before: nothing
    expect(stalls.look(3_600, new Set([0]))).toEqual([]);
    expect(stalls.counted).toEqual([900]);
  });

  it('goes on from the time an earlier coordinator had counted; a replica it was past the bound for stays so, found at once if it still stalls', () => {
    const resumed = new ReplicaStalls(2, 1_000, [900, 1_000]);
    expect(resumed.look(5_000, new Set([0, 1]))).toEqual([1]);
    expect(resumed.look(5_100, new Set([0]))).toEqual([0]);
    expect(resumed.counted).toEqual([1_000, 1_000]);
  });

  it('says which replicas stalled, the steps each had pushed, and the worker holding its job', () => {
    expect(describeStalledReplicas([{ replica: 1, steps: 1, worker: 'host:12' }, { replica: 3, steps: 40, worker: 'other:7' }], 600_000)).toBe(
      'Replica 1 made no progress within REPLICA_STALL_TIMEOUT_MS (600 s counted) after it pushed 1 step: its worker host:12 holds its job, and the replica\'s loop gave no sign of itself; '
      + 'replica 3 made no progress within REPLICA_STALL_TIMEOUT_MS (600 s counted) after it pushed 40 steps: its worker other:7 holds its job, and the replica\'s loop gave no sign of itself. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
  });
});
