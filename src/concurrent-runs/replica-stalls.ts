/**
 * How long each begun replica of a concurrent parameter-server run has gone without a sign of
 * its loop while a worker holds its job. A run ends once every replica has pushed its last
 * steps, so a replica whose worker keeps its job (its event loop alive, renewing the job's lock)
 * while the replica's loop hangs (an await that never ends, on a connection that never answers)
 * would keep the run waiting forever. The replica's loop beats its heartbeat between its steps
 * and before each exchange (replica-heartbeat.ts), from the loop itself, so a hung loop stops
 * beating however alive its process is.
 *
 * A replica stalls at a look when its job is held (its lock in Redis), its heartbeat has lapsed,
 * and its worker is one that beats (it says so as it registers the replica: a worker of an
 * earlier release does not, and its replicas are never counted). Its time counts between two
 * looks at which it stalled, at most a second of a gap as for replicas not begun
 * (replica-arrivals.ts), and any sign of it (a beat, its job no longer held) starts the count
 * again. A job not held is no stall: its worker died, and once the lock lapsed the job waits to be
 * taken again and resumed from the server. Past the bound (REPLICA_STALL_TIMEOUT_MS) the run
 * stops, failed, naming the replica, and does not wait for it, as for a replica job failed for good.
 */
import { counted } from '../core/counted.ts';
import { countedGap, stoppedFor } from './replica-arrivals.ts';

/** The bound when the service gives none (REPLICA_STALL_TIMEOUT_MS's default). */
export const defaultReplicaStallTimeoutMs = 600_000;

export class ReplicaStalls {
  private readonly stalledMs: number[];
  /** Whether each replica stalled at the previous look. */
  private readonly stalled: boolean[];
  private lastLook: number | null = null;

  /** `stalledMs`: the time an earlier coordinator of the run had counted of each replica (its checkpoint's). */
  constructor(replicas: number, readonly boundMs: number, stalledMs: readonly number[] = []) {
    this.stalledMs = Array.from({ length: replicas }, (_, i) => stalledMs[i] ?? 0);
    this.stalled = new Array<boolean>(replicas).fill(false);
  }

  /** The time counted of each replica so far, which a checkpoint keeps. */
  get counted(): readonly number[] {
    return this.stalledMs;
  }

  /**
   * A look at `now` (the coordinator's clock), at which the replicas `stalling` stalled: each
   * counts the time since the previous look when it stalled at both; every other one starts
   * again from nothing, unless it was past the bound already (the run gave up on it: a
   * checkpoint keeps that, and a coordinator resumed from it finds the replica past the bound at
   * once if it still stalls). Returns those of `stalling` past the bound.
   */
  look(now: number, stalling: ReadonlySet<number>): number[] {
    const gap = countedGap(this.lastLook, now);
    this.lastLook = now;
    const over: number[] = [];
    for (let i = 0; i < this.stalledMs.length; i++) {
      const past = this.stalledMs[i]! >= this.boundMs;
      if (!stalling.has(i)) {
        if (!past) this.stalledMs[i] = 0;
        this.stalled[i] = false;
        continue;
      }
      if (this.stalled[i] && !past) this.stalledMs[i] += gap;
      this.stalled[i] = true;
      if (this.stalledMs[i]! >= this.boundMs) over.push(i);
    }
    return over;
  }
}

/** A replica that stalled: the steps it had pushed, and its worker (host:pid) as the server records it. */
export interface StalledReplica {
  readonly replica: number;
  readonly steps: number;
  readonly worker: string;
}

/** The failed run's message when replicas stalled: which, how far each got, and the worker holding its job. */
export function describeStalledReplicas(stalled: readonly StalledReplica[], boundMs: number): string {
  return stoppedFor(stalled.map(({ replica, steps, worker }) =>
    `replica ${replica} made no progress within REPLICA_STALL_TIMEOUT_MS (${boundMs / 1000} s counted) after it pushed ${counted(steps, 'step')}: `
    + `its worker ${worker} holds its job, and the replica's loop gave no sign of itself`));
}
