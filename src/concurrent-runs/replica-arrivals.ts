/**
 * Whether the replicas of a concurrent parameter-server run have reached a worker, and how long
 * the coordinator has waited for those that have not. A run ends once every replica has pushed
 * its last steps, so a replica job that no worker ever takes (no worker process serves the
 * replicas queue, Redis lost the job before one took it, the job failed before its replica began)
 * would keep the run waiting forever. The wait is therefore bounded (REPLICA_START_TIMEOUT_MS):
 * past it the run stops, failed, with the steps of the replicas that did run.
 *
 * A replica has reached a worker once the server shows it registered, exchanged or finished; the
 * coordinator remembers it, so a server written back from a state read before the replica
 * registered does not make it missing again. Only time the coordinator spends watching counts: a
 * gap between two of its looks longer than `unwatchedGapMs` is an outage (Redis or PostgreSQL
 * away, and with them the workers that would take the jobs), so an outage never fails the run,
 * however long; it only makes the bound later.
 */

/** The bound when the service gives none (REPLICA_START_TIMEOUT_MS's default). */
export const defaultReplicaStartTimeoutMs = 600_000;

/** Looks further apart than this are an outage: the time between them does not count. */
const unwatchedGapMs = 1_000;

export class ReplicaArrivals {
  private readonly reached: boolean[];
  private waitedMs = 0;
  private lastLook: number | null = null;

  constructor(replicas: number, readonly boundMs: number) {
    this.reached = new Array<boolean>(replicas).fill(false);
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
   * A look at `now` (the coordinator's clock): counts the time since the previous look when a
   * replica is missing and the run is `waiting` for it (not stopping). True once the bound is past.
   */
  overdue(now: number, waiting: boolean): boolean {
    const gap = this.lastLook === null ? 0 : now - this.lastLook;
    this.lastLook = now;
    if (!waiting || this.missing().length === 0) return false;
    if (gap <= unwatchedGapMs) this.waitedMs += gap;
    return this.waitedMs >= this.boundMs;
  }
}

/** Where a missing replica's job is: its state in the replicas queue ('unknown': not there), and why it failed. */
export interface ReplicaJobWhereabouts {
  readonly replica: number;
  readonly state: string;
  readonly failedReason: string | null;
}

/** What became of a job, as a verb phrase: "is still waiting …", "failed: …". */
function whereabouts({ state, failedReason }: ReplicaJobWhereabouts): string {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'delayed':
    case 'waiting-children':
      return 'is still waiting in the replicas queue (no worker process serves that queue, or every worker\'s replica slots, REPLICA_CONCURRENCY, stayed busy)';
    case 'active':
      return 'is taken by a worker that has not begun the replica (its objective still building, or the worker stuck)';
    case 'failed':
      return `failed: ${failedReason ?? 'no reason given'}`;
    case 'unknown':
      return 'is gone from the replicas queue (Redis lost it)';
    default:
      return `is ${state} without the replica having begun`;
  }
}

/** The failed run's message: which replicas no worker took within `boundMs`, and where their jobs are. */
export function describeMissingReplicas(jobs: readonly ReplicaJobWhereabouts[], boundMs: number): string {
  const bound = `within ${boundMs / 1000} s of ${jobs.length === 1 ? 'its' : 'their'} queueing (REPLICA_START_TIMEOUT_MS)`;
  const what = jobs.length === 1
    ? `replica ${jobs[0]!.replica}'s job ${bound}: it ${whereabouts(jobs[0]!)}`
    : `the jobs of replicas ${jobs.slice(0, -1).map((job) => job.replica).join(', ')} and ${jobs.at(-1)!.replica} ${bound}: ${jobs.map((job) => `replica ${job.replica}'s ${whereabouts(job)}`).join('; ')}`;
  return `No worker took ${what}. The run stopped with the steps of the replicas that ran.`;
}
