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
 * registered does not make it missing again.
 *
 * The time counts only while no worker will take a missing replica's job: no worker process
 * serves the replicas queue, or the job failed, or Redis lost it. A job waiting behind other runs'
 * replicas while workers serve the queue (every REPLICA_CONCURRENCY slot busy), or taken by a
 * worker that is building the objective or riding out an outage, is being seen to: that time does
 * not count, however long. The coordinator says which is the case (`counting`). Of a gap between
 * two of its looks at most `lookGapCapMs` counts: an outage of Redis (which stops the looks, and
 * with them the workers) counts as that much whatever its length, while a coordinator whose event
 * loop is busy (a heavy step in its process) still reaches the bound, only later.
 */

/** The bound when the service gives none (REPLICA_START_TIMEOUT_MS's default). */
export const defaultReplicaStartTimeoutMs = 600_000;

/** The most one gap between two looks counts (an outage of any length counts as this much). */
const lookGapCapMs = 1_000;

export class ReplicaArrivals {
  private readonly reached: boolean[];
  private lastLook: number | null = null;

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
   * A look at `now` (the coordinator's clock): counts the time since the previous look, at most
   * `lookGapCapMs`, when a replica is missing and its time is `counting` (no worker will take its
   * job, and the run is not stopping). True once the bound is past.
   */
  overdue(now: number, counting: boolean): boolean {
    const gap = this.lastLook === null ? 0 : now - this.lastLook;
    this.lastLook = now;
    if (!counting || this.missing().length === 0) return false;
    this.waitedMs += Math.min(Math.max(gap, 0), lookGapCapMs);
    return this.waitedMs >= this.boundMs;
  }
}

/** Where a missing replica's job is: its state in the replicas queue ('unknown': not there), and why it failed. */
export interface ReplicaJobWhereabouts {
  readonly replica: number;
  readonly state: string;
  readonly failedReason: string | null;
}

const waitingStates: ReadonlySet<string> = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/** Whether a job in BullMQ's `state` waits for a worker to take it. */
export const isWaitingState = (state: string): boolean => waitingStates.has(state);

/**
 * Whether a worker will take each of these jobs of missing replicas: each waits in the queue that
 * `workers` worker processes serve (behind other runs' replicas), or a worker has it. False when
 * one failed or is gone, or waits with no worker serving the queue: then the wait counts.
 */
export function seenTo(jobs: readonly Pick<ReplicaJobWhereabouts, 'state'>[], workers: number): boolean {
  return jobs.every(({ state }) => state === 'active' || (isWaitingState(state) && workers > 0));
}

/** What became of a job, as a verb phrase after "its job": "is still waiting …", "failed: …". Of a failure, its reason's first line. */
function whereabouts({ state, failedReason }: ReplicaJobWhereabouts, workers: number): string {
  if (isWaitingState(state)) {
    return workers > 0
      ? 'is waiting in the replicas queue behind other runs\' replicas (every worker\'s REPLICA_CONCURRENCY slots busy)'
      : 'is waiting in the replicas queue, which no worker process serves';
  }
  switch (state) {
    case 'active':
      return 'is held by a worker that has not begun the replica yet';
    case 'failed':
      return `failed: ${failedReason?.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'no reason given'}`;
    case 'unknown':
      return 'is gone from the replicas queue (Redis lost it)';
    default:
      return `is ${state}`;
  }
}

/**
 * The failed run's message: which replicas did not begin, the bound (`boundMs` counted while no
 * worker would take their jobs) and where their jobs are (`workers`: worker processes serving the queue).
 */
export function describeMissingReplicas(jobs: readonly ReplicaJobWhereabouts[], boundMs: number, workers: number): string {
  const bound = `REPLICA_START_TIMEOUT_MS (${boundMs / 1000} s counted while no worker would take ${jobs.length === 1 ? 'its job' : 'their jobs'})`;
  const who = jobs.length === 1 ? `Replica ${jobs[0]!.replica}` : `Replicas ${jobs.slice(0, -1).map((job) => job.replica).join(', ')} and ${jobs.at(-1)!.replica}`;
  const where = jobs.map((job) => `replica ${job.replica}'s job ${whereabouts(job, workers)}`).join('; ');
  return `${who} did not begin within ${bound}: ${where}. The run stopped with the steps of the replicas that ran.`;
}
