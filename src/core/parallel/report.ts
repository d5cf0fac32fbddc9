/**
 * `result.parallel`: what a parallel run did, for judging it beyond its loss. Per replica its
 * local steps, its exchanges with the center or server and, for algorithms whose replicas keep
 * their own vector, how far that vector ended from the center; for the run the communication
 * rounds, the staleness of the applied updates and the throughput.
 *
 * Staleness is the number of updates other replicas applied to the center/server between a
 * replica's read of it and its write (PRODUCT: "updates applied to the server between a
 * replica's read and its write"):
 *   hogwild     the other threads' updates between a thread's read of θ and its write (0 simulated);
 *   downpour    pushes between a replica's pull and its next push;
 *   easgd       elastic exchanges between a replica's exchange and its next one;
 *   adaptive-revision  gradients applied between a gradient's read and its application (D simulated).
 */
import type { Execution, ParallelAlgorithmName } from './settings.ts';

export interface ReplicaReport {
  readonly replica: number;
  /** Local steps (gradients computed and applied). */
  readonly steps: number;
  /** Exchanges with the center or server: pulls and pushes (downpour), elastic exchanges (easgd), applied updates (hogwild, adaptive-revision). */
  readonly exchanges: number;
  /** ‖x_i − center‖ at the end (null where replicas keep no vector of their own). */
  readonly centerDistance: number | null;
  /** The worker process (host:pid) that ran the replica last (concurrent downpour, easgd, adaptive-revision). */
  readonly worker?: string | null;
}

export interface StalenessSummary {
  /** Updates measured. */
  readonly updates: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ParallelReport {
  readonly algorithm: ParallelAlgorithmName;
  readonly execution: Execution;
  readonly replicas: number;
  readonly perReplica: readonly ReplicaReport[];
  /** Every replica's exchanges. */
  readonly communicationRounds: number;
  /** Null when no update was measured. */
  readonly staleness: StalenessSummary | null;
  /** ‖x_i − center‖ at the end over the replicas (null where replicas keep no vector of their own). */
  readonly centerDistance: { readonly mean: number; readonly max: number } | null;
  /** Local steps of every replica per second of the run's time (null when the run had no clock). */
  readonly stepsPerSecond: number | null;
}

/** How many measured updates had each staleness. */
export class StalenessHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private sum = 0;
  private largest = 0;

  record(staleness: number): void {
    this.counts.set(staleness, (this.counts.get(staleness) ?? 0) + 1);
    this.total++;
    this.sum += staleness;
    if (staleness > this.largest) this.largest = staleness;
  }

  /** Records `count` updates of one staleness at once. */
  recordMany(staleness: number, count: number): void {
    if (count <= 0) return;
    this.counts.set(staleness, (this.counts.get(staleness) ?? 0) + count);
    this.total += count;
    this.sum += staleness * count;
    if (staleness > this.largest) this.largest = staleness;
  }

  /** The smallest value at or above the q-quantile of the recorded values. */
  private quantile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const value of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(value)!;
      if (seen >= rank) return value;
    }
    return this.largest;
  }

  summary(): StalenessSummary | null {
    if (this.total === 0) return null;
    return { updates: this.total, mean: this.sum / this.total, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.largest };
  }

  /** [value, count] pairs in value order (what a checkpoint keeps). */
  getState(): [number, number][] {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }

  setState(pairs: readonly (readonly [number, number])[]): void {
    this.counts.clear();
    this.total = 0;
    this.sum = 0;
    this.largest = 0;
    for (const [value, count] of pairs) this.recordMany(value, count);
  }
}

/** The run's figures from its replicas' (center distances null where replicas keep no vector). */
export function parallelReport(
  run: { readonly algorithm: ParallelAlgorithmName; readonly execution: Execution; readonly elapsedMilliseconds: number | null },
  perReplica: readonly ReplicaReport[],
  staleness: StalenessHistogram,
): ParallelReport {
  const distances = perReplica.map((replica) => replica.centerDistance).filter((value): value is number => value !== null);
  const steps = perReplica.reduce((sum, replica) => sum + replica.steps, 0);
  const elapsed = run.elapsedMilliseconds;
  return {
    algorithm: run.algorithm,
    execution: run.execution,
    replicas: perReplica.length,
    perReplica,
    communicationRounds: perReplica.reduce((sum, replica) => sum + replica.exchanges, 0),
    staleness: staleness.summary(),
    centerDistance: distances.length > 0 ? { mean: distances.reduce((a, b) => a + b, 0) / distances.length, max: Math.max(...distances) } : null,
    stepsPerSecond: elapsed !== null && elapsed > 0 ? (steps * 1000) / elapsed : null,
  };
}
