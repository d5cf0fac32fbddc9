/**
 * What each thread of a concurrent hogwild run counts for `result.parallel`, in an Int32Array
 * over a SharedArrayBuffer: one region per thread, written by that thread only.
 *
 *   steps      updates the thread applied (stored at every update with a plain store, read by
 *              the other threads)
 *   bins       staleness histogram: bin s counts updates with s other updates between the read
 *              of θ and the write (the last bin: that many or more)
 *   max        the largest staleness seen
 *
 * Staleness is measured on one update in `sampleEvery`: the thread sums the other threads' step
 * counters before reading θ and after writing it. Reading them at every update would bounce their
 * cache lines between cores for a figure a sample gives as well.
 */
import { StalenessHistogram } from '../core/parallel/report.ts';

const staleness = { sampleEvery: 8, bins: 256 } as const;

/** Words per thread: the steps and max counters on their own cache line, then the bins. */
const header = 16;
const stride = header + staleness.bins;
const word = { steps: 0, max: 1 } as const;

export function createThreadStats(threads: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(threads * stride * Int32Array.BYTES_PER_ELEMENT));
}

/** The counters one thread keeps. */
export class ThreadCounters {
  private readonly base: number;
  private steps: number;
  private seen = 0;

  constructor(
    private readonly stats: Int32Array,
    private readonly replica: number,
    private readonly threads: number,
  ) {
    this.base = replica * stride;
    this.steps = Atomics.load(stats, this.base + word.steps);
  }

  /** The other threads' updates so far. */
  private others(): number {
    let sum = 0;
    for (let r = 0; r < this.threads; r++) if (r !== this.replica) sum += Atomics.load(this.stats, r * stride + word.steps);
    return sum;
  }

  /** Whether the update of this thread's next step is sampled; if so, notes the others' count at its read. */
  beforeRead(): boolean {
    if ((this.steps + 1) % staleness.sampleEvery !== 0) return false;
    this.seen = this.others();
    return true;
  }

  /** After the write: counts the step, and the staleness of a sampled one. */
  afterWrite(sampled: boolean): void {
    this.steps++;
    // A plain store, not Atomics.store: a sequentially consistent store is a full fence, which
    // would hold every update until its writes of θ (lines the other core may hold) are visible.
    this.stats[this.base + word.steps] = this.steps;
    if (!sampled) return;
    const value = this.others() - this.seen;
    this.stats[this.base + header + Math.min(value, staleness.bins - 1)]++;
    if (value > this.stats[this.base + word.max]) this.stats[this.base + word.max] = value;
  }
}

/** Each thread's steps, and the sampled staleness of all of them (read once the threads are idle). */
export function readThreadStats(stats: Int32Array, threads: number): { steps: number[]; staleness: StalenessHistogram } {
  const histogram = new StalenessHistogram();
  const steps: number[] = [];
  for (let r = 0; r < threads; r++) {
    const base = r * stride;
    steps.push(Atomics.load(stats, base + word.steps));
    const max = Atomics.load(stats, base + word.max);
    for (let s = 0; s < staleness.bins; s++) {
      // The last bin holds every value from there up: counted at the thread's max, its only exact one.
      histogram.recordMany(s === staleness.bins - 1 ? Math.max(s, max) : s, Atomics.load(stats, base + header + s));
    }
  }
  return { steps, staleness: histogram };
}

/**
 * The threads' step counts cut down to the `ticks` a checkpoint keeps: the updates past them (made
 * while it was read, or by a thread running ahead of one held back) are made again after a resume
 * and counted then, so that the replicas' steps add up to the run's. Which thread made which tick
 * is not tracked: each keeps its share of them (largest remainders first).
 */
export function stepsWithin(steps: readonly number[], ticks: number): number[] {
  const total = steps.reduce((sum, count) => sum + count, 0);
  if (total <= ticks) return [...steps];
  const shares = steps.map((count) => (count * ticks) / total);
  const kept = shares.map(Math.floor);
  const order = shares.map((share, r) => [share - kept[r]!, r] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0, left = ticks - kept.reduce((sum, count) => sum + count, 0); i < left; i++) kept[order[i]![1]]!++;
  return kept;
}

/** Restores the counters a checkpoint kept (steps per thread, staleness pairs). */
export function restoreThreadStats(stats: Int32Array, steps: readonly number[], pairs: readonly (readonly [number, number])[], replica = 0): void {
  steps.forEach((count, r) => Atomics.store(stats, r * stride + word.steps, count));
  // The histogram is the run's, not a thread's: it goes back into one thread's region.
  const base = replica * stride;
  for (const [value, count] of pairs) {
    Atomics.add(stats, base + header + Math.min(value, staleness.bins - 1), count);
    if (value > stats[base + word.max]) stats[base + word.max] = value;
  }
}
