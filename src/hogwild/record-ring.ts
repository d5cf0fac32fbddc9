/**
 * The recorded steps of a concurrent hogwild run, from the threads that make them to the
 * coordinator. The thread that makes update t, where t is a multiple of `record.every` or the
 * run's last, measures it as a simulated run does (its mini-batch's loss and gradient norm at θ as
 * it read it, η_t, the norm of its step, and θ just after its write when the coordinator needs it:
 * parameters recorded, validated or kept as the best; and θ as it read it before its write, where
 * it measured the loss, when the run keeps the best parameters by that loss) and publishes it into
 * a ring of its own in shared memory; the coordinator takes the rings' entries in step order whenever it looks. Every
 * step `record.every` names is published and taken, none dropped, whatever the threads' and the
 * coordinator's speeds.
 *
 * Each ring has one writer (its thread) and one reader (the coordinator): the thread fills a slot,
 * then counts it in `written` with Atomics.store, which makes the slot's plain writes visible to
 * whoever reads that count with Atomics.load; the coordinator reads the slots, then counts them in
 * `read`, which frees them. Before a recorded update the thread makes sure its ring has a free
 * slot (`reserve`); it reads `read` again only when its own count says full.
 *
 * A full ring holds its thread back until the coordinator frees a slot (backpressure): the
 * thread declares the step it is about to make as its position and sleeps on `read`; the
 * coordinator wakes it when it frees a slot of a ring whose thread waits. The alternatives drop
 * or grow: a ring that overwrote its oldest entry (or a thread that skipped its row) loses a named
 * row; a ring grown on demand must still stop at a cap, which the run's memory footprint counts
 * whatever the ring happens to use, and once there it must wait all the same. The rings already
 * hold every row of the run when those fit in 8 MB
 * (recordRingSize), so a thread waits only in a run recording more than that, with the coordinator
 * that far behind, and the threads' loop pays little for it: a recorded update compares two counts,
 * as it did to find a ring full, only before the update instead of after it (which costs the
 * other updates one comparison more: thread.ts).
 *
 * Threads claim up to 16 ticks at a time, stopping before the next recorded tick, which is claimed
 * alone right before it is made (a thread descheduled in its chunk then holds no recorded tick to
 * measure long after at a later θ). Two threads still publish out of step order: thread A may
 * publish t = 30 after thread B published t = 40. Each thread stores the first tick of the chunk it
 * works on (`position`, once per chunk; the step it waits to make while its ring is full; the largest
 * integer once it is done), and no thread publishes a step below its position. An entry below
 * every thread's position can therefore be taken without one before it arriving later; the
 * coordinator takes entries in merged order up to there, and only up to there, so no entry ever
 * arrives after a later one was taken. Waiting cannot deadlock: a thread that waits has declared
 * a position above every entry in its ring, so when every thread still publishing waits, the
 * lowest of their entries lies below every position and the coordinator takes it; a thread that
 * does not wait goes on and raises its position. Memory is bounded: the rings of a run hold at
 * most 8 MB together (two slots a thread when even that is more, one for a lone thread), and fewer
 * when the run has fewer steps to record (see recordRingSize, which the run's memory footprint
 * counts).
 */

import type { MeasuredStep } from '../concurrent-runs/center-watch.ts';
import { recordRingSize, slotFields } from '../core/training/record-ring-size.ts';

/**
 * Fields of a slot, then θ after the step when the coordinator takes it (parameters recorded,
 * validated or kept as the best), then θ as read before the step when the run keeps the best by
 * the training loss (the parameters that loss was measured at).
 */
const field = { step: 0, loss: 1, gradNorm: 2, learningRate: 3, updateNorm: 4, params: slotFields } as const;

/**
 * Words per ring: `written`, `position` and `waiting` (the thread's; `waiting` is 1 while the
 * thread sleeps on a full ring) on one cache line, `read` (the coordinator's) on the next.
 */
const line = 64 / Int32Array.BYTES_PER_ELEMENT;
const word = { written: 0, position: 1, waiting: 2, read: line, length: 2 * line } as const;

/** Milliseconds a thread sleeps on a full ring before it looks at `stop` again (the coordinator wakes it sooner when it frees a slot). */
const waitSlice = 10;

/** A thread's position once it no longer publishes. */
const done = 0x7fffffff;

/** The rings of a run's threads, as posted to each thread. */
export interface RecordRings {
  readonly words: Int32Array;
  readonly slots: Float64Array;
  /** Slots per ring. */
  readonly capacity: number;
  /** Float64 entries per slot (5, plus the dimension when the coordinator takes θ after the step, and again when θ before it). */
  readonly slotLength: number;
  /** Entries of θ before the step at the end of a slot (the dimension, or 0). */
  readonly measuredAtLength: number;
  /** Record every this many ticks, and the last one. */
  readonly every: number;
}

/**
 * Rings for `threads` threads of a run of `totalTicks` ticks recording every `every`, with θ of
 * `dimension` entries in each slot when `params` (θ after the step), and again when `measuredAt` (θ
 * before it), as many slots as recordRingSize gives.
 */
export function createRecordRings(threads: number, totalTicks: number, every: number, dimension: number, params: boolean, measuredAt = false): RecordRings {
  const measuredAtLength = measuredAt ? dimension : 0;
  const slotLength = field.params + (params ? dimension : 0) + measuredAtLength;
  const { capacity } = recordRingSize(threads, totalTicks, every, slotLength);
  return {
    words: new Int32Array(new SharedArrayBuffer(threads * word.length * Int32Array.BYTES_PER_ELEMENT)),
    slots: new Float64Array(new SharedArrayBuffer(threads * capacity * slotLength * Float64Array.BYTES_PER_ELEMENT)),
    capacity,
    slotLength,
    measuredAtLength,
    every,
  };
}

/** Recorded entries as a checkpoint keeps them: `fields` numbers each, one after the other in `values`. */
export interface PendingRecords {
  readonly fields: number;
  readonly values: number[];
}

/** The entries of `pending`, each its `fields` numbers (a trailing partial one left out). */
function entriesOf(pending: PendingRecords): (readonly number[])[] {
  const entries: (readonly number[])[] = [];
  for (let at = 0; at + pending.fields <= pending.values.length; at += pending.fields) entries.push(pending.values.slice(at, at + pending.fields));
  return entries;
}

/** A thread's end of its ring. */
export class RecordWriter {
  private readonly words: number;
  private readonly slots: number;
  private written: number;
  /** `read` as last loaded: the ring is full only if it is full by this count. */
  private read: number;

  constructor(
    private readonly rings: RecordRings,
    replica: number,
    /** Whether the run is stopping: a thread waiting for a slot gives up then. */
    private readonly stopped: () => boolean,
  ) {
    this.words = replica * word.length;
    this.slots = replica * rings.capacity * rings.slotLength;
    this.written = Atomics.load(rings.words, this.words + word.written);
    this.read = Atomics.load(rings.words, this.words + word.read);
  }

  /** The first tick this thread now works on: it publishes no step below it from now on. */
  at(tick: number): void {
    Atomics.store(this.rings.words, this.words + word.position, tick);
  }

  /** The thread publishes nothing more. */
  close(): void {
    Atomics.store(this.rings.words, this.words + word.position, done);
  }

  /**
   * Makes sure the ring has a slot for the record of update `step`, which the thread is about to
   * make: at once when it has one; else the thread waits for the coordinator to free one, its
   * position `step` meanwhile (it publishes nothing below, and the updates below it that it
   * claimed are made). False only when the run stops meanwhile: the update is then not made.
   */
  reserve(step: number): boolean {
    if (this.written - this.read < this.rings.capacity) return true;
    this.read = Atomics.load(this.rings.words, this.words + word.read);
    return this.written - this.read < this.rings.capacity || this.waitForSlot(step);
  }

  private waitForSlot(step: number): boolean {
    const { words, capacity } = this.rings;
    const read = this.words + word.read;
    const waiting = this.words + word.waiting;
    this.at(step);
    // `waiting` is stored before `read` is loaded again, and the coordinator stores `read` before it loads `waiting`: one of the two sees the other's store, so no wake-up is missed.
    Atomics.store(words, waiting, 1);
    for (;;) {
      this.read = Atomics.load(words, read);
      if (this.written - this.read < capacity || this.stopped()) break;
      Atomics.wait(words, read, this.read, waitSlice);
    }
    Atomics.store(words, waiting, 0);
    // The coordinator frees slots once it has stopped the threads too: a slot freed then is no
    // leave to make the update, which the stop came before.
    return this.written - this.read < capacity && !this.stopped();
  }

  /** Copies θ as read before update `step`, where its loss is measured, into the slot `reserve` made sure of, when the rings carry it. */
  measuredAt(theta: Float64Array): void {
    const { slots, capacity, slotLength, measuredAtLength } = this.rings;
    if (measuredAtLength === 0) return;
    slots.set(theta, this.slots + (this.written % capacity) * slotLength + slotLength - measuredAtLength);
  }

  /** Publishes update `step` as measured, with θ after it when the coordinator takes it, into the slot `reserve` made sure of. */
  publish(step: number, measured: MeasuredStep, theta: Float64Array): void {
    const { words, slots, capacity, slotLength } = this.rings;
    const at = this.slots + (this.written % capacity) * slotLength;
    slots[at + field.step] = step;
    slots[at + field.loss] = measured.loss;
    slots[at + field.gradNorm] = measured.gradNorm;
    slots[at + field.learningRate] = measured.learningRate;
    slots[at + field.updateNorm] = measured.updateNorm;
    if (slotLength - this.rings.measuredAtLength > field.params) slots.set(theta, at + field.params);
    this.written++;
    Atomics.store(words, this.words + word.written, this.written);
  }
}

/** The coordinator's end of the rings: takes their entries in step order. */
export class RecordReader {
  /** Slot offsets of the entries taken by the last `take`, in step order. */
  readonly taken: Int32Array;
  /** How many of `taken` the last `take` filled. */
  count = 0;
  /** The last step taken. */
  lastStep: number;
  /**
   * After a `take`: no step below it can still be taken (every thread's position and every entry
   * left in the rings are at or above it); Infinity when none is left and no thread publishes.
   */
  floor = 0;
  private readonly threads: number;
  private readonly read: Int32Array;
  private readonly written: Int32Array;

  constructor(
    private readonly rings: RecordRings,
    lastStep: number,
  ) {
    this.threads = rings.words.length / word.length;
    this.taken = new Int32Array(this.threads * rings.capacity);
    this.read = new Int32Array(this.threads);
    this.written = new Int32Array(this.threads);
    this.lastStep = lastStep;
  }

  /** The step, measures and parameters (when recorded) of the entry at slot offset `at`. */
  step(at: number): number {
    return this.rings.slots[at + field.step];
  }

  measured(at: number, into: MeasuredStep): MeasuredStep {
    const slots = this.rings.slots;
    into.loss = slots[at + field.loss];
    into.gradNorm = slots[at + field.gradNorm];
    into.learningRate = slots[at + field.learningRate];
    into.updateNorm = slots[at + field.updateNorm];
    const { slotLength, measuredAtLength } = this.rings;
    if (measuredAtLength > 0) into.measuredAt = slots.subarray(at + slotLength - measuredAtLength, at + slotLength);
    return into;
  }

  /** θ after the entry's update, as its thread copied it; null when the run does not record parameters. */
  params(at: number): Float64Array | null {
    const { slots, slotLength, measuredAtLength } = this.rings;
    const end = slotLength - measuredAtLength;
    return end > field.params ? slots.subarray(at + field.params, at + end) : null;
  }

  /**
   * Takes, in step order, at most `room` entries below `below` that no thread can precede any
   * more, into `taken`; their slots stay the reader's until `release`.
   */
  take(room: number, below: number): number {
    const { words, capacity, slotLength } = this.rings;
    const threads = this.threads;
    // Positions first: an entry published after they are read is at or above them.
    let safe = Infinity;
    for (let r = 0; r < threads; r++) safe = Math.min(safe, Atomics.load(words, r * word.length + word.position));
    if (safe === done) safe = Infinity;
    for (let r = 0; r < threads; r++) {
      this.read[r] = Atomics.load(words, r * word.length + word.read);
      this.written[r] = Atomics.load(words, r * word.length + word.written);
    }
    const slotOf = (r: number) => (r * capacity + (this.read[r] % capacity)) * slotLength;
    let count = 0;
    let floor = safe;
    for (;;) {
      let next = -1;
      let nextStep = Infinity;
      for (let r = 0; r < threads; r++) {
        if (this.written[r] === this.read[r]) continue;
        const step = this.rings.slots[slotOf(r) + field.step];
        if (step < nextStep) {
          next = r;
          nextStep = step;
        }
      }
      if (next < 0) break;
      // Never so since entries are taken only below every position; a checkpoint's entry at or below its step would be (it keeps none).
      if (nextStep <= this.lastStep) {
        this.read[next]++;
        continue;
      }
      if (count >= room || nextStep >= below || nextStep >= safe) {
        floor = Math.min(floor, nextStep);
        break;
      }
      this.taken[count++] = slotOf(next);
      this.read[next]++;
      this.lastStep = nextStep;
    }
    this.count = count;
    this.floor = floor;
    return count;
  }

  /**
   * Ticks the threads have made and published: every update below every thread's position is
   * made, and its record published. Read before `pending`: an entry published after it is above it.
   */
  madeTicks(): number {
    const words = this.rings.words;
    let safe = Infinity;
    for (let r = 0; r < this.threads; r++) safe = Math.min(safe, Atomics.load(words, r * word.length + word.position));
    return safe === done ? Infinity : safe - 1;
  }

  /**
   * The entries still in the rings after the last step taken, at most `upTo`, in step order, each
   * its slot's fields (step, the measures, θ when recorded) one after the other in `values`: what
   * a checkpoint keeps of them, as one array that it stores as bytes when it is long.
   */
  pending(upTo: number): PendingRecords {
    const { words, slots, capacity, slotLength } = this.rings;
    const offsets: number[] = [];
    for (let r = 0; r < this.threads; r++) {
      const written = Atomics.load(words, r * word.length + word.written);
      for (let i = Atomics.load(words, r * word.length + word.read); i < written; i++) {
        const at = (r * capacity + (i % capacity)) * slotLength;
        const step = slots[at + field.step];
        if (step > this.lastStep && step <= upTo) offsets.push(at);
      }
    }
    offsets.sort((a, b) => slots[a + field.step] - slots[b + field.step]);
    const values = new Array<number>(offsets.length * slotLength);
    offsets.forEach((at, i) => {
      for (let j = 0; j < slotLength; j++) values[i * slotLength + j] = slots[at + j];
    });
    return { fields: slotLength, values };
  }

  /**
   * Resumes at `ticks`, before the threads start: their positions just after it (or done, when
   * `stopped`: a run resumed while stopping starts none), and the entries a checkpoint kept
   * (`pending`, or one array per entry as checkpoints once kept them) put back, dealt to the rings
   * in turn so that each ring stays in step order; they are taken before any the threads make.
   * An entry of the previous release's slot, without θ as read before the step where this run's
   * slot carries it (restoreBest by the training loss), gets θ after the step in its place: the
   * parameters that release kept as the best at that row, its loss having been measured at θ
   * not kept. An entry whose fields are otherwise not this run's slot's (θ carried or not) is
   * dropped, and so are the latest entries beyond what the rings hold (rings once sized larger):
   * their rows are missing (only a checkpoint of another version or ring size has such entries).
   */
  resume(ticks: number, pending: PendingRecords | readonly (readonly number[])[], stopped = false): void {
    const { words, slots, capacity, slotLength, measuredAtLength } = this.rings;
    for (let r = 0; r < this.threads; r++) Atomics.store(words, r * word.length + word.position, stopped ? done : ticks + 1);
    const withMeasuredAt = (entry: readonly number[]) =>
      measuredAtLength > 0 && entry.length === slotLength - measuredAtLength ? [...entry, ...entry.slice(field.params, field.params + measuredAtLength)] : entry;
    const entries = ('fields' in pending ? entriesOf(pending) : pending).map(withMeasuredAt).filter((entry) => entry.length === slotLength).slice(0, this.threads * capacity);
    entries.forEach((entry, i) => {
      const r = i % this.threads;
      const written = Atomics.load(words, r * word.length + word.written);
      slots.set(entry, (r * capacity + (written % capacity)) * slotLength);
      Atomics.store(words, r * word.length + word.written, written + 1);
    });
  }

  /** Frees the slots of the entries taken for the threads, and wakes a thread waiting for one. */
  release(): void {
    const words = this.rings.words;
    for (let r = 0; r < this.threads; r++) {
      const at = r * word.length;
      if (Atomics.load(words, at + word.read) === this.read[r]) continue;
      Atomics.store(words, at + word.read, this.read[r]);
      if (Atomics.load(words, at + word.waiting) !== 0) Atomics.notify(words, at + word.read);
    }
  }

  /** Each thread as the rings show it: publishing, waiting for a free slot, or done. */
  threadStates(): ('publishing' | 'waiting' | 'done')[] {
    const words = this.rings.words;
    return Array.from({ length: this.threads }, (_, r) => {
      if (Atomics.load(words, r * word.length + word.position) === done) return 'done';
      return Atomics.load(words, r * word.length + word.waiting) !== 0 ? 'waiting' : 'publishing';
    });
  }
}
