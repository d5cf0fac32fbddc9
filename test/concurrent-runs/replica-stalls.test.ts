/** What the coordinator counts of a begun replica that gives no sign of itself, driven with hand-made looks. */
import { describe, expect, it } from 'vitest';
import type { ReplicaBeats } from '../../src/concurrent-runs/replica-heartbeat.ts';
import { describeStuckReplicas, ReplicaStalls, type BegunReplicaLook } from '../../src/concurrent-runs/replica-stalls.ts';

const beat = (token: string, worker = 'host:1') => ({ token, worker });
const beats = (fresh: ReturnType<typeof beat> | null, last: ReturnType<typeof beat> | null = fresh): ReplicaBeats => ({ fresh, last });
/** Replica `replica`'s job held by the delivery `holder` (null: none), with the replica's heartbeat `said`. */
const job = (replica: number, holder: string | null, said: ReplicaBeats = beats(null, null)): BegunReplicaLook => ({ replica, holder, beats: said });

/** A replica whose job delivery `t1` holds, which beat as host:1 and whose beat has lapsed. */
const lapsed = (replica = 0) => job(replica, 't1', beats(null, beat('t1')));

describe('what the coordinator counts of a begun replica', () => {
  it('counts a stall of a delivery that beat and whose beat lapsed, between two looks that found it so, of a gap a second at most', () => {
    const stalls = new ReplicaStalls(2, 2_000, 60_000);
    expect(stalls.look(0, [lapsed(1)], {}, 1).stuck).toEqual([]);
    expect(stalls.look(700, [lapsed(1)], {}, 1)).toEqual({ stuck: [], writes: { 'quiet:1': JSON.stringify(['stall', 't1', 700]) } });
    expect(stalls.look(60_700, [lapsed(1)], {}, 1).writes).toEqual({ 'quiet:1': JSON.stringify(['stall', 't1', 1_700]) }); // a minute away: a second
    expect(stalls.look(61_000, [lapsed(1)], {}, 1).stuck).toEqual([{ replica: 1, kind: 'stall', holder: 't1', worker: 'host:1' }]);
  });

  it('counts nothing of a delivery beating, of a job held by none while workers serve the queue (its worker died), nor of a beat of another delivery for the one holding the job', () => {
    const stalls = new ReplicaStalls(3, 1_000, 1_000);
    for (const now of [0, 1_000, 2_000, 3_000]) {
      const { stuck, writes } = stalls.look(now, [job(0, 't1', beats(beat('t1'))), job(1, null, beats(null, beat('t0')))], {}, 1);
      expect(stuck).toEqual([]);
      expect(writes).toEqual({});
    }
    // Replica 2's job, held by t1, is then held by t2, which never beat; t1's beat (a delivery that lost the job) is fresh: t2 is not resuming it.
    const meta = { 'seq:2': '3', 'worker:2': 'host:1' };
    stalls.look(4_000, [job(2, 't1', beats(beat('t1')))], meta, 1);
    const { writes } = stalls.look(5_000, [job(2, 't2', beats(beat('t1')))], meta, 1);
    expect(stalls.look(6_000, [job(2, 't2', beats(beat('t1')))], { ...meta, ...writes }, 1).stuck).toEqual([{ replica: 2, kind: 'start', holder: 't2' }]);
  });

  it('starts again from nothing at any sign of the replica: a beat, its job held by none, another delivery holding it', () => {
    const stalls = new ReplicaStalls(1, 2_000, 60_000);
    stalls.look(0, [lapsed()], {}, 1);
    stalls.look(900, [lapsed()], {}, 1);
    expect(stalls.look(1_800, [job(0, 't1', beats(beat('t1')))], {}, 1).writes).toEqual({ 'quiet:0': '' });
    stalls.look(2_700, [lapsed()], {}, 1);
    expect(stalls.look(3_600, [lapsed()], {}, 1).writes).toEqual({ 'quiet:0': JSON.stringify(['stall', 't1', 900]) });
    expect(stalls.look(4_500, [job(0, 't2', beats(null, beat('t2')))], {}, 1).writes).toEqual({ 'quiet:0': JSON.stringify(['stall', 't2', 0]) });
  });

  it('counts a job held by none while no worker serves the queue, and one held by a delivery that never beat until it resumes the replica, against the start\'s bound', () => {
    const stalls = new ReplicaStalls(2, 1_000, 3_000);
    const served = { 'seq:0': '4', 'worker:0': 'dead:1', 'seq:1': '2', 'worker:1': 'dead:2' };
    expect(stalls.look(0, [job(0, null), job(1, null)], served, 0).writes).toEqual({
      'quiet:0': JSON.stringify(['start', null, 0]), 'quiet:1': JSON.stringify(['start', null, 0]),
    });
    // A worker of an earlier release takes both (never beating): the replica's worker as the previous look found it is kept.
    const taken = stalls.look(1_000, [job(0, 'old0'), job(1, 'old1')], { ...served, 'worker:1': 'old:9', 'seq:1': '3' }, 0);
    expect(taken.writes).toEqual({
      'unbeaten:0': JSON.stringify(['old0', '4', 'dead:1']), 'quiet:0': JSON.stringify(['start', 'old0', 0]),
      // Replica 1 was resumed (registered by old:9, an exchange made) between the looks: nothing to count.
      'unbeaten:1': JSON.stringify(['old1', '3', 'dead:2']), 'quiet:1': '',
    });
    const later = { ...served, 'worker:1': 'old:9', 'seq:1': '3', 'unbeaten:0': JSON.stringify(['old0', '4', 'dead:1']), 'unbeaten:1': JSON.stringify(['old1', '3', 'dead:2']) };
    stalls.look(2_000, [job(0, 'old0'), job(1, 'old1')], later, 0);
    stalls.look(3_000, [job(0, 'old0'), job(1, 'old1')], later, 0);
    expect(stalls.look(4_000, [job(0, 'old0'), job(1, 'old1')], later, 0).stuck).toEqual([{ replica: 0, kind: 'start', holder: 'old0' }]);
    // Once replica 0 registers (its worker's name), it counts no more, however long it goes without an exchange.
    expect(stalls.look(5_000, [job(0, 'old0')], { ...later, 'worker:0': 'old:9' }, 0)).toEqual({ stuck: [], writes: { 'quiet:0': '' } });
  });

  it('takes a delivery that never beat to have resumed the replica when it did not see the job change hands (it took the run over since)', () => {
    const stalls = new ReplicaStalls(1, 1_000, 1_000);
    const meta = { 'seq:0': '4', 'worker:0': 'old:9' };
    expect(stalls.look(0, [job(0, 'old0')], meta, 1).writes).toEqual({ 'unbeaten:0': JSON.stringify(['old0', '', '']) });
    expect(stalls.look(60_000, [job(0, 'old0')], { ...meta, 'unbeaten:0': JSON.stringify(['old0', '', '']) }, 1)).toEqual({ stuck: [], writes: {} });
  });

  it('takes the exchanges of a replica as they are at the first sight of a delivery that never beat: the one before may have made one as it lost the job', () => {
    const stalls = new ReplicaStalls(1, 1_000, 1_000);
    stalls.look(0, [job(0, 't1', beats(beat('t1')))], { 'seq:0': '4', 'worker:0': 'host:1' }, 1);
    // t1 made an exchange as it lost the job: not taken for the resumption by old0.
    expect(stalls.look(1_000, [job(0, 'old0', beats(beat('t1')))], { 'seq:0': '5', 'worker:0': 'host:1' }, 1).writes).toEqual({
      'unbeaten:0': JSON.stringify(['old0', '5', 'host:1']), 'quiet:0': JSON.stringify(['start', 'old0', 0]),
    });
  });

  it('goes on from what an earlier coordinator counted of the same delivery (the server\'s accounting), from nothing of another; one past its bound is found at once', () => {
    const stalls = new ReplicaStalls(3, 1_000, 60_000);
    const meta = {
      'quiet:0': JSON.stringify(['stall', 't1', 800]),
      'quiet:1': JSON.stringify(['stall', 'gone', 800]),
      'quiet:2': JSON.stringify(['stall', 't1', 1_000]),
    };
    expect(stalls.look(5_000, [lapsed(0), lapsed(1), lapsed(2)], meta, 1)).toEqual({
      stuck: [{ replica: 2, kind: 'stall', holder: 't1', worker: 'host:1' }],
      writes: { 'quiet:1': JSON.stringify(['stall', 't1', 0]) },
    });
    expect(stalls.look(5_300, [lapsed(0), lapsed(1)], meta, 1).stuck.map(({ replica }) => replica)).toEqual([0]);
  });

  it('says which replicas gave no sign, the steps each had pushed, and the worker holding its job or where its job is', () => {
    const bounds = { stallBoundMs: 600_000, startBoundMs: 1_500 };
    expect(describeStuckReplicas([
      { replica: 1, kind: 'stall', holder: 't', worker: 'host:12', steps: 1 },
      { replica: 2, kind: 'start', holder: 'u', steps: 40 },
      { replica: 3, kind: 'start', holder: null, steps: 0 },
    ], bounds)).toBe(
      'Replica 1 made no progress within REPLICA_STALL_TIMEOUT_MS (600 s counted) after it pushed 1 step: its worker host:12 holds its job, and gave no sign of running the replica; '
      + 'replica 2 was not resumed within REPLICA_START_TIMEOUT_MS (1.5 s counted) after it pushed 40 steps: its job is held by a worker that shows no sign of resuming it; '
      + 'replica 3 was not resumed within REPLICA_START_TIMEOUT_MS (1.5 s counted) after it pushed 0 steps: its job is waiting in the replicas queue, which no worker process serves. '
      + 'The run stopped with the steps of the replicas that ran.',
    );
  });
});
