/**
 * AdaptiveRevision (McMahan & Streeter 2014, "Delay-Tolerant Algorithms for Asynchronous
 * Distributed Online Learning"): AdaGrad on a parameter server whose updates arrive late. A
 * gradient read at the server's w is applied D ticks later; the server revises the step for
 * the gradients applied meanwhile (g_bck), so large delays cost less than in plain async AdaGrad.
 *
 * Per coordinate the server keeps w, ḡ (sum of applied gradients), z and z′ (all 0 but w at
 * start). At tick k the ticking replica reads w and ḡ_old ← ḡ, computes g at w and queues
 * (g, ḡ_old); then the entry queued at tick k − D (if any) is applied:
 *
 *   g_bck = ḡ − ḡ_old;  a_old = α/(β + √z′)
 *   z ← z + g² + 2·g·g_bck;  z′ ← max(z′, z);  a = α/(β + √z′)
 *   w ← w − a·g + (a_old − a)·g_bck;  ḡ ← ḡ + g
 *
 * with α = learningRate and β = epsilon. With D = 0, g_bck = 0 and this is AdaGrad with ε
 * outside the root; a·g is computed as α·g/(β + √z′), the arithmetic of that AdaGrad kernel, so
 * the reduction holds bit for bit. Clipping, noise and weight decay apply to g; schedules do not.
 */
import type { Protocol } from './protocol.ts';
import type { Replica } from './replica.ts';
import type { StalenessHistogram } from './report.ts';
import type { ProtocolState } from './state.ts';

/**
 * The update of every coordinate of the server's w, ḡ, z and z′ (in place) for the gradient g
 * read when ḡ was `sumAtRead`, with α = `alpha` and β = `beta`. The concurrent parameter
 * server applies it to each shard.
 */
export function revise(
  server: Float64Array, sumGradients: Float64Array, squaredSum: Float64Array, squaredSumMax: Float64Array,
  gradient: Float64Array, sumAtRead: Float64Array, alpha: number, beta: number,
): void {
  for (let j = 0; j < server.length; j++) {
    const g = gradient[j];
    const backlog = sumGradients[j] - sumAtRead[j];
    const rateBefore = alpha / (beta + Math.sqrt(squaredSumMax[j]));
    const z = squaredSum[j] + g * g + 2 * g * backlog;
    squaredSum[j] = z;
    const zMax = Math.max(squaredSumMax[j], z);
    squaredSumMax[j] = zMax;
    const root = beta + Math.sqrt(zMax);
    server[j] = server[j] - (alpha * g) / root + (rateBefore - alpha / root) * backlog;
    sumGradients[j] += g;
  }
}

interface QueuedGradient {
  tick: number;
  readonly gradient: Float64Array;
  readonly sumAtRead: Float64Array;
}

export class AdaptiveRevisionProtocol implements Protocol {
  readonly ownParams = false;
  readonly countsTicks = false;
  private readonly sumGradients: Float64Array;
  private readonly squaredSum: Float64Array;
  private readonly squaredSumMax: Float64Array;
  /** A ring of D + 1 slots: the entry of tick k lives in slot k mod (D + 1) until tick k + D applies it. */
  private readonly queue: QueuedGradient[];

  constructor(
    private readonly server: Float64Array,
    private readonly learningRate: number,
    private readonly epsilon: number,
    private readonly delay: number,
    private readonly staleness: StalenessHistogram,
  ) {
    const dimension = server.length;
    this.sumGradients = new Float64Array(dimension);
    this.squaredSum = new Float64Array(dimension);
    this.squaredSumMax = new Float64Array(dimension);
    this.queue = Array.from({ length: delay + 1 }, () => ({ tick: 0, gradient: new Float64Array(dimension), sumAtRead: new Float64Array(dimension) }));
  }

  private slot(tick: number): QueuedGradient {
    return this.queue[tick % this.queue.length];
  }

  prepare(_replica: Replica, tick: number): Float64Array {
    const entry = this.slot(tick);
    entry.tick = tick;
    entry.sumAtRead.set(this.sumGradients);
    return this.server;
  }

  update(replica: Replica, tick: number): void {
    replica.local.transform(this.server);
    this.slot(tick).gradient.set(replica.local.gradient);
    replica.exchanges++;
    if (tick - this.delay >= 1) this.apply(this.slot(tick - this.delay));
  }

  private apply(entry: QueuedGradient): void {
    revise(this.server, this.sumGradients, this.squaredSum, this.squaredSumMax, entry.gradient, entry.sumAtRead, this.learningRate, this.epsilon);
    // Entries apply in tick order: entry k follows the k − 1 before it, of which max(0, k − 1 − D) were applied when it was read.
    this.staleness.record(Math.min(entry.tick - 1, this.delay));
    entry.tick = 0;
  }

  finish(_replicas: readonly Replica[], tick: number): boolean {
    let changed = false;
    for (let k = Math.max(1, tick - this.delay + 1); k <= tick; k++) {
      const entry = this.slot(k);
      if (entry.tick !== k) continue;
      this.apply(entry);
      changed = true;
    }
    return changed;
  }

  getState(): ProtocolState {
    const pending = this.queue.filter((entry) => entry.tick > 0).sort((a, b) => a.tick - b.tick);
    return {
      sumGradients: Array.from(this.sumGradients),
      squaredSum: Array.from(this.squaredSum),
      squaredSumMax: Array.from(this.squaredSumMax),
      queue: pending.map((entry) => ({ tick: entry.tick, gradient: Array.from(entry.gradient), sumAtRead: Array.from(entry.sumAtRead) })),
    };
  }

  setState(state: ProtocolState): void {
    if (!state.sumGradients || !state.squaredSum || !state.squaredSumMax || !state.queue) {
      throw new Error('The checkpoint lacks the adaptive-revision server state.');
    }
    this.sumGradients.set(state.sumGradients);
    this.squaredSum.set(state.squaredSum);
    this.squaredSumMax.set(state.squaredSumMax);
    for (const entry of this.queue) entry.tick = 0;
    for (const saved of state.queue) {
      const entry = this.slot(saved.tick);
      entry.tick = saved.tick;
      entry.gradient.set(saved.gradient);
      entry.sumAtRead.set(saved.sumAtRead);
    }
  }
}
