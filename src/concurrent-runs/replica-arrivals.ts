/**
 * Whether the replicas of a concurrent parameter-server run have reached a worker, and how long
 * the coordinator has waited for those that have not. A run ends once every replica has pushed
 * its last steps, so a replica job that no worker ever takes or begins (no worker process serves
 * the replicas queue, Redis lost the job before one took it, the worker holding it never begins
 * the replica) would keep the run waiting forever. The wait is therefore bounded
 * (REPLICA_START_TIMEOUT_MS): past it the run stops, failed, with the steps of the replicas that
 * did run. A replica job that failed for good (its attempts used up, or a failure no attempt can
 * mend), begun or not, is never tried again: the run stops at once, failed, naming it and why.
 *
 * A replica has reached a worker once the server shows it registered, exchanged or finished; the
 * coordinator remembers it, so a server written back from a state read before the replica
 * registered does not make it missing again.
 *
 * The time counts unless each missing replica's job waits its turn: in the queue that worker
 * processes serve, behind other runs' replicas (every REPLICA_CONCURRENCY slot busy), however
 * long, or a worker is starting its replica, as the replica's heartbeat shows (fresh:
 * replica-heartbeat.ts), however slowly (cut off from PostgreSQL, building a large objective). A
 * job a worker holds without a fresh heartbeat counts: the worker died, its event loop is held,
 * or its start hangs. The coordinator says which is the case (`counting`). Of a gap between two
 * of its looks at most `lookGapCapMs` counts: an outage of Redis (which stops the looks, and with
 * them the workers) counts as that much whatever its length, while a coordinator whose event loop
 * is busy (a heavy step in its process) still reaches the bound, only later.
 */
import { counted } from '../core/counted.ts';

/** The bound when the service gives none (REPLICA_START_TIMEOUT_MS's default). */
export const defaultReplicaStartTimeoutMs = 600_000;

/** The most one gap between two looks counts (an outage of any length counts as this much). */
const lookGapCapMs = 1_000;

/** What the gap from a look at `previous` (null: none before) to one at `now` counts: at most `lookGapCapMs`. */
export function countedGap(previous: number | null, now: number): number {
  return previous === null ? 0 : Math.min(Math.max(now - previous, 0), lookGapCapMs);
}

export class ReplicaArrivals {
  private readonly reached: boolean[];
  private lastLook: number | null = null;
  /** Whether the wait counted at the previous look. */
  private counting = false;

  /** `waitedMs`: the time an earlier coordinator of the run had counted (its checkpoint's). */
  constructor(replicas: number, readonly boundMs: number, private waitedMs = 0) {
    this.reached = new Array<boolean>(replicas).fill(false);
  }

  /** The time counted so far, which a checkpoint keeps. */
  get waited(): number {
    return this.waitedMs;
  }

  /** Notes the replicas that the main shard's accounting `meta` shows on a worker. */
  see(meta: Readonly<Record<string, string>>): void {
    for (let i = 0; i < this.reached.length; i++) {
      this.reached[i] ||= meta[`worker:${i}`] !== undefined || meta[`seq:${i}`] !== undefined || meta[`finished:${i}`] === '1';
    }
  }

  reachedWorker(replica: number): boolean {
    return this.reached[replica]!;
  }

  /** The replicas no worker has taken yet, in order. */
  missing(): number[] {
    return this.reached.flatMap((reached, i) => (reached ? [] : [i]));
  }

  /**
   * A look at the replicas' jobs at `now` (the coordinator's clock): counts the time since the
   * previous look, at most `lookGapCapMs`, when a replica is missing and its time was `counting`
   * at both looks (no job of a missing replica waited its turn, and the run was not stopping):
   * a job held for a moment by a worker that then begins the replica counts nothing. True once
   * the bound is past.
   */
  overdue(now: number, counting: boolean): boolean {
    const gap = countedGap(this.lastLook, now);
    const counts = counting && this.counting;
    this.lastLook = now;
    this.counting = counting;
    if (!counts || this.missing().length === 0) return false;
    this.waitedMs += gap;
    return this.waitedMs >= this.boundMs;
  }
}

/**
 * Where a missing replica's job is: its state in the replicas queue ('unknown': not there), why it
 * failed, and whether the replica's heartbeat is fresh (a worker is starting it).
 */
export interface ReplicaJobWhereabouts {
  readonly replica: number;
  readonly state: string;
  readonly failedReason: string | null;
  readonly alive: boolean;
}

const waitingStates: ReadonlySet<string> = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/** Whether a job in BullMQ's `state` waits for a worker to take it. */
export const isWaitingState = (state: string): boolean => waitingStates.has(state);

/**
 * Whether each of these jobs of missing replicas is seen to: a worker is starting its replica (its
 * heartbeat fresh), or it waits its turn in the queue that `workers` worker processes serve
 * (behind other runs' replicas). False when one is held by a worker that shows no sign of
 * starting the replica, failed or is gone, or waits with no worker serving the queue: then the
 * wait counts.
 */
export function seenTo(jobs: readonly Pick<ReplicaJobWhereabouts, 'state' | 'alive'>[], workers: number): boolean {
  return jobs.every(({ state, alive }) => (alive && state !== 'failed') || (isWaitingState(state) && workers > 0));
}

/** A failure's reason by its first line (a database error's full text runs to many lines with source paths). */
function firstLine(reason: string | null): string {
  return reason?.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'no reason given';
}

/** What became of a job, as a verb phrase after "its job": "is still waiting …", "failed: …". Of a failure, its reason's first line. */
function whereabouts({ state, failedReason, alive }: ReplicaJobWhereabouts, workers: number): string {
  if (isWaitingState(state)) {
    return workers > 0
      ? 'is waiting in the replicas queue behind other runs\' replicas (every worker\'s REPLICA_CONCURRENCY slots busy)'
      : 'is waiting in the replicas queue, which no worker process serves';
  }
  switch (state) {
    case 'active':
      return alive ? 'is held by a worker starting the replica' : 'is held by a worker that has not begun the replica and shows no sign of starting it';
    case 'failed':
      return `failed: ${firstLine(failedReason)}`;
    case 'unknown':
      return 'is gone from the replicas queue (Redis lost it)';
    default:
      return `is ${state}`;
  }
}

/**
 * The failed run's message: which replicas did not begin, the bound (`boundMs` counted while their
 * jobs were not seen to) and where their jobs are (`workers`: worker processes serving the queue).
 */
export function describeMissingReplicas(jobs: readonly ReplicaJobWhereabouts[], boundMs: number, workers: number): string {
  const [its, replicas] = jobs.length === 1 ? ['its', 'the replica'] : ['their', 'the replicas'];
  const bound = `REPLICA_START_TIMEOUT_MS (${boundMs / 1000} s counted, not while ${its} job${jobs.length === 1 ? '' : 's'} waited ${its} turn for a worker or a worker was starting ${replicas})`;
  const who = jobs.length === 1 ? `Replica ${jobs[0]!.replica}` : `Replicas ${jobs.slice(0, -1).map((job) => job.replica).join(', ')} and ${jobs.at(-1)!.replica}`;
  const where = jobs.map((job) => `replica ${job.replica}'s job ${whereabouts(job, workers)}`).join('; ');
  return `${who} did not begin within ${bound}: ${where}. The run stopped with the steps of the replicas that ran.`;
}

/** A replica whose job failed for good: its reason, and the steps the replica had pushed (null: it had not begun). */
export interface FailedReplica {
  readonly replica: number;
  readonly failedReason: string | null;
  readonly steps: number | null;
}

/** The failed run's message when replica jobs failed for good: which, how far each replica got, and why (a reason's first line). */
export function describeFailedReplicas(failed: readonly FailedReplica[]): string {
  const each = failed.map(({ replica, failedReason, steps }) => {
    const when = steps === null ? 'before the replica began' : `after the replica pushed ${counted(steps, 'step')}`;
    return `replica ${replica}'s job failed for good ${when}: ${firstLine(failedReason)}`;
  });
  return stoppedFor(each);
}

/** The failed run's message from what became of each replica it stopped for (`clauses`, each starting "replica …"). */
export function stoppedFor(clauses: readonly string[]): string {
  const sentence = clauses.join('; ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}. The run stopped with the steps of the replicas that ran.`;
}
