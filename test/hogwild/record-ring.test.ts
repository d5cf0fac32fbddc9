/**
 * The rings through which hogwild threads hand their recorded steps to the coordinator, driven
 * from one thread: each writer plays a thread in a given interleaving.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../src/contracts/run-spec.ts';
import { createObjective, objectiveSpecSchema } from '../../src/core/objectives/index.ts';
import { memoryFootprint } from '../../src/core/training/index.ts';
import { encodeCheckpoint } from '../../src/db/checkpoint-encoding.ts';
import { createRecordRings, RecordReader, RecordWriter, type RecordRings } from '../../src/hogwild/record-ring.ts';

const measured = (step: number) => ({ loss: step / 1000, gradNorm: 2 * step, learningRate: 0.1, updateNorm: 0.2 * step });

/** A thread's writer; `waiting` plays the coordinator each time the thread, its ring full, looks again (by default the test expects no wait). */
function threadOf(rings: RecordRings, replica: number, waiting: () => boolean = () => expect.fail(`thread ${replica} waits for a slot`)): RecordWriter {
  return new RecordWriter(rings, replica, waiting);
}

/** A recorded update as a thread makes it: a slot made sure of, then the entry published. */
function publish(thread: RecordWriter, step: number, theta: Float64Array): void {
  expect(thread.reserve(step)).toBe(true);
  thread.publish(step, measured(step), theta);
}

/** Steps taken by one `take`, their slots released. */
function take(reader: RecordReader, room = Infinity, below = Infinity): number[] {
  reader.take(room, below);
  const steps = Array.from(reader.taken.subarray(0, reader.count), (at) => reader.step(at));
  reader.release();
  return steps;
}

describe('record rings', () => {
  it('hand over the steps in step order, none before every thread has moved past it', () => {
    const rings = createRecordRings(2, 1000, 10, 3, false);
    const [a, b] = [threadOf(rings, 0), threadOf(rings, 1)];
    const reader = new RecordReader(rings, 0);
    const theta = new Float64Array(3);
    // Thread a works on ticks 1-16, b on 17-32 and then 33-48: b publishes 20, 30, 40 before a publishes 10.
    a.at(1);
    b.at(17);
    publish(b, 20, theta);
    publish(b, 30, theta);
    b.at(33);
    publish(b, 40, theta);
    expect(take(reader)).toEqual([]);
    expect(reader.floor).toBe(1);
    publish(a, 10, theta);
    a.at(49);
    // 40 waits for b to move past its chunk.
    expect(take(reader)).toEqual([10, 20, 30]);
    expect(reader.floor).toBe(33);
    b.close();
    a.close();
    expect(take(reader)).toEqual([40]);
    expect(reader.floor).toBe(Infinity);
  });

  it('give each step as its thread measured it, with θ after it when parameters are recorded', () => {
    const rings = createRecordRings(1, 100, 10, 3, true);
    const writer = threadOf(rings, 0);
    const reader = new RecordReader(rings, 0);
    writer.at(1);
    publish(writer, 10, Float64Array.of(1, 2, 3));
    writer.close();
    reader.take(Infinity, Infinity);
    const at = reader.taken[0];
    expect(reader.step(at)).toBe(10);
    expect(reader.measured(at, { loss: 0, gradNorm: 0, learningRate: 0, updateNorm: 0 })).toEqual(measured(10));
    expect(Array.from(reader.params(at)!)).toEqual([1, 2, 3]);
    expect(createRecordRings(1, 100, 10, 3, false).slotLength).toBe(5);
  });

  it('give θ as the thread read it before the step besides θ after it, when the run keeps the best by the training loss', () => {
    const rings = createRecordRings(1, 100, 10, 3, true, true);
    const writer = threadOf(rings, 0);
    const reader = new RecordReader(rings, 0);
    writer.at(1);
    expect(writer.reserve(10)).toBe(true);
    writer.measuredAt(Float64Array.of(4, 5, 6));
    writer.publish(10, measured(10), Float64Array.of(1, 2, 3));
    writer.close();
    reader.take(Infinity, Infinity);
    const at = reader.taken[0];
    const { measuredAt, ...fields } = reader.measured(at, { loss: 0, gradNorm: 0, learningRate: 0, updateNorm: 0 });
    expect(fields).toEqual(measured(10));
    expect(Array.from(measuredAt!)).toEqual([4, 5, 6]);
    expect(Array.from(reader.params(at)!)).toEqual([1, 2, 3]);
  });

  it('take at most `room` entries, none at or past `below`, and leave the others for later', () => {
    const rings = createRecordRings(1, 100, 10, 1, false);
    const writer = threadOf(rings, 0);
    const reader = new RecordReader(rings, 0);
    writer.at(1);
    for (let step = 10; step <= 100; step += 10) publish(writer, step, new Float64Array(1));
    writer.close();
    expect(take(reader, 3, 100)).toEqual([10, 20, 30]);
    expect(reader.floor).toBe(40);
    expect(take(reader, Infinity, 100)).toEqual([40, 50, 60, 70, 80, 90]);
    expect(reader.floor).toBe(100);
    expect(take(reader)).toEqual([100]);
  });

  it('are bounded: a thread whose ring is full waits for the coordinator, declaring the step it is about to make, and no step is dropped', () => {
    // Room for 11 recorded steps per ring (1000 ticks / every 100, and the last).
    const rings = createRecordRings(2, 1000, 100, 1, false);
    expect(rings.capacity).toBe(11);
    const reader = new RecordReader(rings, 0);
    const theta = new Float64Array(1);
    const taken: number[] = [];
    const seen: string[][] = [];
    // The slow thread holds step 1 back while the fast one fills its ring; the coordinator, each time the fast one looks again, takes what it can.
    const slow = threadOf(rings, 0);
    const fast = threadOf(rings, 1, () => {
      seen.push(reader.threadStates());
      taken.push(...take(reader));
      if (seen.length === 1) {
        publish(slow, 1, theta);
        slow.close();
      }
      return false;
    });
    slow.at(1);
    fast.at(2);
    for (let step = 2; step <= 12; step++) publish(fast, step, theta);
    // More than half full, the fast ring is not taken from: the slow thread may still publish below it.
    expect(take(reader)).toEqual([]);
    expect(reader.floor).toBe(1);
    // Full: the fast thread waits, at step 13; nothing can be taken while the slow one is at 1, then all of it once the slow one moved on.
    // Given a slot, it looks once more, whether the run stopped meanwhile.
    publish(fast, 13, theta);
    expect(seen).toEqual([['publishing', 'waiting'], ['done', 'waiting'], ['done', 'publishing']]);
    expect(taken).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(reader.threadStates()).toEqual(['done', 'publishing']);
    fast.close();
    expect(take(reader)).toEqual([13]);
  });

  it('let a thread waiting for a slot give up when the run stops: it makes no update then', () => {
    const rings = createRecordRings(1, 1000, 100, 1, false);
    const theta = new Float64Array(1);
    let looks = 0;
    const thread = threadOf(rings, 0, () => ++looks > 2);
    thread.at(1);
    expect(rings.capacity).toBe(11);
    for (let step = 1; step <= 11; step++) publish(thread, step, theta);
    expect(thread.reserve(12)).toBe(false);
    expect(looks).toBe(3);
    expect(new RecordReader(rings, 0).threadStates()).toEqual(['publishing']);
  });

  it('let a thread waiting for a slot make no update when the run stops as the coordinator frees one: it frees slots after it stopped the threads', () => {
    const rings = createRecordRings(1, 1000, 100, 1, false);
    const reader = new RecordReader(rings, 0);
    const theta = new Float64Array(1);
    let stopped = false;
    let looks = 0;
    // At the thread's first look the run is not stopped yet; right after, the coordinator stops it and takes the rows.
    const thread = threadOf(rings, 0, () => {
      looks++;
      if (looks > 1) return stopped;
      stopped = true;
      expect(take(reader)).toHaveLength(11);
      return false;
    });
    thread.at(1);
    for (let step = 1; step <= 11; step++) publish(thread, step, theta);
    expect(thread.reserve(12)).toBe(false);
    expect(looks).toBe(2);
  });

  it('skip the steps already recorded before a resumed run\'s checkpoint', () => {
    const rings = createRecordRings(1, 100, 10, 1, false);
    const writer = threadOf(rings, 0);
    const reader = new RecordReader(rings, 40);
    writer.at(31);
    publish(writer, 40, new Float64Array(1));
    publish(writer, 50, new Float64Array(1));
    writer.close();
    expect(take(reader)).toEqual([50]);
  });

  it('keep the entries waiting in them in a checkpoint as one array, stored as bytes, and put them back in order on resume', () => {
    // 2 threads, θ of 100 entries: 105 numbers a slot, 4,000 steps waiting.
    const rings = createRecordRings(2, 40_000, 10, 100, true);
    const [a, b] = [threadOf(rings, 0), threadOf(rings, 1)];
    const reader = new RecordReader(rings, 0);
    const theta = new Float64Array(100);
    a.at(1);
    b.at(1);
    for (let step = 10; step <= 40_000; step += 10) {
      theta.fill(step);
      publish(step % 20 === 0 ? b : a, step, theta);
    }
    const pending = reader.pending(Infinity);
    expect(pending.fields).toBe(105);
    expect(pending.values).toHaveLength(4000 * 105);
    // Through the checkpoint encoding: 8 bytes a number, and no more than a few bytes of JSON around them.
    const encoded = encodeCheckpoint({ concurrent: { algorithm: 'hogwild', ticks: 40_000, pending } });
    expect(encoded.data!.byteLength).toBe(8 * 4000 * 105);
    expect(JSON.stringify(encoded.state).length).toBeLessThan(200);
    const resumed = createRecordRings(2, 40_000, 10, 100, true);
    const again = new RecordReader(resumed, 0);
    again.resume(40_000, JSON.parse(JSON.stringify(pending)) as typeof pending);
    again.take(Infinity, Infinity);
    const steps = Array.from(again.taken.subarray(0, again.count), (at) => again.step(at));
    expect(steps).toEqual(Array.from({ length: 4000 }, (_, i) => 10 * (i + 1)));
    expect(Array.from(again.params(again.taken[2])!)).toEqual(Array(100).fill(30));
    again.release();
    // A checkpoint of one array per entry, as checkpoints once kept them, resumes as well.
    const old = createRecordRings(1, 100, 10, 1, false);
    const oldReader = new RecordReader(old, 0);
    oldReader.resume(30, [[10, 0.01, 20, 0.1, 2, 0], [20, 0.02, 40, 0.1, 4, 0]].map((entry) => entry.slice(0, old.slotLength)));
    expect(take(oldReader)).toEqual([10, 20]);
  });

  it('drop the entries a checkpoint holds whose fields are not those of the run\'s slots, and put back the others', () => {
    const rings = createRecordRings(1, 100, 10, 1, false);
    const reader = new RecordReader(rings, 0);
    reader.resume(30, [[10, 0.01, 20, 0.1, 2], [20, 0.02, 40, 0.1, 4, 7], [30, 0.03, 60, 0.1, 6]]);
    expect(take(reader)).toEqual([10, 30]);
    const flat = new RecordReader(createRecordRings(1, 100, 10, 1, false), 0);
    flat.resume(30, { fields: 6, values: [10, 0.01, 20, 0.1, 2, 7] });
    expect(take(flat)).toEqual([]);
  });

  it('put back the earliest entries a checkpoint holds as far as the rings hold them, and drop the rest', () => {
    const rings = createRecordRings(2, 100, 10, 1, false);
    const held = 2 * rings.capacity;
    const reader = new RecordReader(rings, 0);
    const entries = Array.from({ length: held + 3 }, (_, i) => [10 * (i + 1), 0.01, 20, 0.1, 2]);
    reader.resume(10 * (held + 3), entries);
    expect(take(reader)).toEqual(entries.slice(0, held).map((entry) => entry[0]));
  });

  it('hold at most 8 MB over all threads, two slots a thread when that is more, one for a lone thread, and in one slot a ring still hands steps over', () => {
    const mb8 = 8 * 1024 * 1024;
    expect(createRecordRings(2, 1000, 1, 1000, true).slots.byteLength).toBeLessThanOrEqual(mb8);
    // 2 threads and θ of 1,200,000 entries: 9.6 MB a slot, two a thread.
    expect(createRecordRings(2, 1000, 10, 1_200_000, true).capacity).toBe(2);
    // One thread, θ of 1.2 million entries: a slot of 9.6 MB, one for the thread.
    const rings = createRecordRings(1, 100, 10, 1_200_000, true);
    expect(rings.capacity).toBe(1);
    const reader = new RecordReader(rings, 0);
    const taken: number[] = [];
    const writer = threadOf(rings, 0, () => {
      taken.push(...take(reader));
      return false;
    });
    const theta = new Float64Array(1_200_000);
    writer.at(1);
    publish(writer, 10, theta);
    // Its one slot full, the thread waits at step 20, below which it publishes nothing: 10 can be taken.
    publish(writer, 20, theta);
    expect(taken).toEqual([10]);
    writer.at(17);
    expect(take(reader)).toEqual([]);
    writer.at(33);
    expect(take(reader)).toEqual([20]);
    publish(writer, 40, theta);
    writer.close();
    expect(take(reader)).toEqual([40]);
  });

  it('with 2 threads and slots too large for more than one a thread within 8 MB, keep a lower step that arrives after a higher one', () => {
    // θ of 300,000 entries: 2.4 MB a slot.
    const rings = createRecordRings(2, 1000, 10, 300_000, true);
    expect(rings.capacity).toBe(2);
    const [a, b] = [threadOf(rings, 0), threadOf(rings, 1)];
    const reader = new RecordReader(rings, 0);
    const theta = new Float64Array(300_000);
    a.at(1);
    b.at(17);
    publish(b, 20, theta);
    // One waiting record does not fill the ring past half: it waits for the thread before it.
    expect(take(reader)).toEqual([]);
    publish(a, 10, theta);
    a.at(33);
    b.at(49);
    expect(take(reader)).toEqual([10, 20]);
  });

  it('count in the run\'s memory footprint, as many slots as the run holds', () => {
    const input = (replicas: number, params: boolean) => ({
      objective: { type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows: 3000, seed: 4 }, validationSplit: 0 },
      optimizer: { name: 'sgd', learningRate: 0.05 },
      training: { maxSteps: 100_000, batchSize: 1, seed: 2 },
      record: { every: 10, params },
      parallel: { algorithm: 'hogwild', replicas, execution: 'concurrent' },
    }) as RunSpecInput;
    const part = (spec: RunSpecInput) => {
      const objective = createObjective(objectiveSpecSchema.parse(spec.objective) as Parameters<typeof createObjective>[0]);
      return memoryFootprint(runSpecSchema.parse(spec), objective).parts.find((item) => item.name.startsWith('recorded steps'));
    };
    // 10,001 records of 5 fields a slot, in each of 2 rings (one thread may make them all), and 6 checkpoint copies.
    expect(part(input(2, false))).toEqual({ name: 'recorded steps waiting in the threads\' rings (20002 slots, 6 checkpoint copies)', bytes: 7 * 2 * 10_001 * 5 * 8 });
    // With θ of 1,001 entries a slot: 8 MB over the 2 rings, as many times again per checkpoint copy.
    const rings = createRecordRings(2, 100_000, 10, 1001, true);
    expect(part(input(2, true))!.bytes).toBe(7 * rings.slots.byteLength);
    // Restoring the best by the training loss: θ before each step too, where its loss was measured.
    const twice = createRecordRings(2, 100_000, 10, 1001, true, true);
    expect(twice.slotLength).toBe(5 + 2 * 1001);
    expect(part({ ...input(2, false), earlyStopping: { monitor: 'loss', patience: 5, restoreBest: true } })!.bytes).toBe(7 * twice.slots.byteLength);
    expect(part({ ...input(2, false), parallel: { algorithm: 'hogwild', replicas: 2, execution: 'simulated' } })).toBeUndefined();
  });
});
