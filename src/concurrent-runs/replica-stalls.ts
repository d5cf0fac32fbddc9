/**
 * What the coordinator of a concurrent parameter-server run counts of its begun replicas, and how
 * every replica the run waits for is bounded. A run ends once every replica has pushed its last
 * steps, so a replica that gives no sign of itself while its job stays where no one runs it would
 * keep the run waiting forever. Each delivery of a replica's job beats the replica's heartbeat as
 * it starts the replica and as the replica's loop runs, naming itself by its job's lock token
 * (replica-heartbeat.ts); the job's lock holds the token of the delivery holding the job now. The
 * coordinator looks once a second (replicas-queue.ts asks the queue at a cost that does not grow
 * with it). Every replica the run waits for is in one of these states at a look:
 *
 *   the replica         its job                          counts
 *   ------------------  -------------------------------  --------------------------------------------
 *   any                 failed for good                  nothing: the run fails at once
 *   any                 gone from the queue              nothing: added again (then as below)
 *   not begun           waiting, a worker serves the     nothing: it waits its turn behind other runs'
 *                         queue                            replicas, however long
 *   not begun           waiting, no worker serves it     REPLICA_START_TIMEOUT_MS (replica-arrivals.ts)
 *   not begun           held, the holding delivery's     nothing: a worker is starting it, however
 *                         beat fresh                       slowly
 *   not begun           held, that delivery's beat       REPLICA_START_TIMEOUT_MS
 *                         lapsed or it never beat (its
 *                         worker died, its start hangs,
 *                         an earlier release's), or
 *                         held by none (worker died)
 *   begun               held by a delivery that beat,    nothing
 *                         its beat fresh
 *   begun               held by a delivery that beat,    REPLICA_STALL_TIMEOUT_MS (a stall), naming
 *                         its beat lapsed (its loop or     that delivery's worker
 *                         its resumption hangs)
 *   begun               held by a delivery that never    REPLICA_START_TIMEOUT_MS, as a replica not
 *                         beat (an earlier release), not   begun whose worker shows no sign of starting it
 *                         resumed by it yet
 *   begun               held by a delivery that never    nothing: see below
 *                         beat, resumed by it
 *   begun               held by none (its worker died,   nothing: another takes it (the workers move a
 *                         the lock lapsed), a worker       dead worker's job back to the queue)
 *                         serves the queue
 *   begun               held by none, no worker serves   REPLICA_START_TIMEOUT_MS
 *                         the queue
 *
 * A worker that died is never a stall: its job's lock lapses (it lasts WORKER_LOCK_DURATION_MS)
 * before its beat does (heartbeatLifetimeMs: at least twice that), and the job is then held by
 * none. A delivery that never beat, an earlier release's, resumed the replica once it registered
 * it (the replica's worker on the server is its process, not the one before it as the look before
 * found it) or made an exchange since the coordinator first saw it hold the job; until then it
 * counts as a start does. A coordinator that did not see the job change hands (it took the run
 * over since) takes such a delivery to have resumed the replica: counting one that had, until its
 * next exchange, would fail a run computing a long τ on a worker of an earlier release. Once it
 * has, the run waits for it as every run did before: an earlier release's loop gives no sign
 * between its exchanges, and one computing a long τ cannot be told from one that hangs. That is
 * the one state no bound covers, and it lasts only while workers of an earlier release run: an
 * upgrade that stops one hands its jobs back to the queue, to a worker that beats.
 *
 * The time of each begun replica counts between two looks that found it in the same state (of the
 * same delivery), at most a second of a gap as for replicas not begun (replica-arrivals.ts), and
 * any other finding starts it again from nothing. Past its bound the run stops, failed, naming
 * the replica, and does not wait for it, as for a replica job failed for good. What it has counted
 * is kept in the server's accounting (`quiet:i`, with the coordinator's first sight of a delivery
 * that never beat, `unbeaten:i`): a coordinator that takes the run over (its worker died) goes on
 * from there, and a checkpoint keeps them in the server's state, which every release reads.
 */
import type { ReplicaBeats } from './replica-heartbeat.ts';
import { counted } from '../core/counted.ts';
import { countedGap, stoppedFor } from './replica-arrivals.ts';

/** The bound when the service gives none (REPLICA_STALL_TIMEOUT_MS's default). */
export const defaultReplicaStallTimeoutMs = 600_000;

/** The longest REPLICA_START_TIMEOUT_MS and REPLICA_STALL_TIMEOUT_MS: a day. */
export const longestReplicaTimeoutMs = 86_400_000;

/** A begun replica's job the run waits for, held by a delivery or by none, and the replica's heartbeat. */
export interface BegunReplicaLook {
  readonly replica: number;
  /** The token of the delivery holding the job (its lock); null when none does. */
  readonly holder: string | null;
  readonly beats: ReplicaBeats;
}

/** How a begun replica gives no sign: a delivery that beat has stopped (`stall`), or the job is not being resumed (`start`). */
interface Quiet {
  readonly kind: 'stall' | 'start';
  /** The delivery holding the job (null: none does). */
  readonly holder: string | null;
  /** Of a stall: the delivery's worker (host:pid). */
  readonly worker?: string;
}

/** A begun replica past its bound. */
export interface StuckReplica extends Quiet {
  readonly replica: number;
}

interface Count {
  readonly kind: Quiet['kind'];
  readonly holder: string | null;
  readonly ms: number;
}

/** What the replica had done on the server (its last exchange, its last worker) as a look found it, and who held its job. */
interface Seen {
  readonly holder: string | null;
  readonly seq: string;
  readonly worker: string;
}

function readJson<T>(value: string | undefined, from: (parsed: unknown[]) => T): T | null {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? from(parsed) : null;
  } catch {
    return null;
  }
}

const countOf = (value: string | undefined) => readJson(value, ([kind, holder, ms]): Count | null =>
  ((kind === 'stall' || kind === 'start') && (typeof holder === 'string' || holder === null) && typeof ms === 'number' ? { kind, holder, ms } : null));

const sightOf = (value: string | undefined) => readJson(value, ([holder, seq, worker]): Seen | null =>
  (typeof holder === 'string' && typeof seq === 'string' && typeof worker === 'string' ? { holder, seq, worker } : null));

/** What the server's accounting `meta` shows the replica did: its last exchange and last worker ('' when none). */
function seenOn(meta: Readonly<Record<string, string>>, replica: number, holder: string | null): Seen {
  return { holder, seq: meta[`seq:${replica}`] ?? '', worker: meta[`worker:${replica}`] ?? '' };
}

export class ReplicaStalls {
  /** What is counted of each replica (undefined: not yet read from the server's accounting). */
  private readonly counts: (Count | null | undefined)[];
  /** What the previous look found of each replica (null: it did not look at it). */
  private readonly seen: (Seen | null)[];
  private lastLook: number | null = null;

  constructor(replicas: number, readonly stallBoundMs: number, readonly startBoundMs: number) {
    this.counts = new Array<Count | null | undefined>(replicas).fill(undefined);
    this.seen = new Array<Seen | null>(replicas).fill(null);
  }

  /** The bound of `kind`. */
  boundOf(kind: Quiet['kind']): number {
    return kind === 'stall' ? this.stallBoundMs : this.startBoundMs;
  }

  /**
   * A look at `now` (the coordinator's clock) at the begun replicas' `jobs` the run waits for
   * (neither failed nor gone), with the server's accounting `meta` (what an earlier coordinator
   * counted, and the replicas' accounts) and the `workers` processes serving the queue (asked
   * when a job is held by none). Each replica found quiet as at the previous look counts the
   * time since, one found otherwise starts again from nothing; one not among `jobs` keeps its
   * count (the run gave up on it: a coordinator taking the run over finds it past its bound at
   * once if it is still so). Returns those past their bound, and the fields of `meta` to write
   * (an empty value: remove it).
   */
  look(now: number, jobs: readonly BegunReplicaLook[], meta: Readonly<Record<string, string>>, workers: number): { stuck: StuckReplica[]; writes: Record<string, string> } {
    const gap = countedGap(this.lastLook, now);
    this.lastLook = now;
    const stuck: StuckReplica[] = [];
    const writes: Record<string, string> = {};
    for (const job of jobs) {
      const i = job.replica;
      const quiet = this.quiet(job, meta, workers, writes);
      this.seen[i] = seenOn(meta, i, job.holder);
      const count = this.counts[i] === undefined ? countOf(meta[`quiet:${i}`]) : this.counts[i]!;
      if (quiet === null) {
        if (count !== null) writes[`quiet:${i}`] = '';
        this.counts[i] = null;
        continue;
      }
      const going = count !== null && count.kind === quiet.kind && count.holder === quiet.holder;
      const next = { kind: quiet.kind, holder: quiet.holder, ms: going ? count.ms + gap : 0 };
      this.counts[i] = next;
      if (!going || gap > 0) writes[`quiet:${i}`] = JSON.stringify([next.kind, next.holder, next.ms]);
      if (next.ms >= this.boundOf(quiet.kind)) stuck.push({ replica: i, ...quiet });
    }
    return { stuck, writes };
  }

  /** How replica `job.replica` gives no sign at this look (null: it does, or its job waits its turn); `writes` takes a first sight of a delivery that never beat. */
  private quiet({ replica, holder, beats }: BegunReplicaLook, meta: Readonly<Record<string, string>>, workers: number, writes: Record<string, string>): Quiet | null {
    if (holder === null) return workers > 0 ? null : { kind: 'start', holder };
    if (beats.last?.token === holder) return beats.fresh?.token === holder ? null : { kind: 'stall', holder, worker: beats.last.worker };
    // The delivery holding the job never beat (an earlier release's): has it resumed the replica
    // since it took the job, registering it (its worker, another process than the one before it)
    // or making an exchange? What the replica had done before is kept at the first sight of it:
    // its exchanges as now (the delivery before may have made one as it lost the job), its worker
    // as the previous look found it when another delivery held the job or none did. A coordinator
    // that did not see the job change hands knows nothing of before: whatever the replica's
    // account shows, it was resumed.
    let before = sightOf(meta[`unbeaten:${replica}`]);
    if (before?.holder !== holder) {
      const previous = this.seen[replica];
      before = previous !== null && previous.holder !== holder ? { ...seenOn(meta, replica, holder), worker: previous.worker } : { holder, seq: '', worker: '' };
      writes[`unbeaten:${replica}`] = JSON.stringify([holder, before.seq, before.worker]);
    }
    const now = seenOn(meta, replica, holder);
    return now.seq !== before.seq || now.worker !== before.worker ? null : { kind: 'start', holder };
  }
}

/** A begun replica the run gave up on, with the steps it had pushed. */
export interface StuckReplicaReport extends StuckReplica {
  readonly steps: number;
}

/** The failed run's message when begun replicas gave no sign past their bound: which, how far each got, and where its job is. */
export function describeStuckReplicas(stuck: readonly StuckReplicaReport[], bounds: Pick<ReplicaStalls, 'stallBoundMs' | 'startBoundMs'>): string {
  return stoppedFor(stuck.map(({ replica, kind, holder, worker, steps }) => {
    const pushed = `after it pushed ${counted(steps, 'step')}`;
    if (kind === 'stall') {
      return `replica ${replica} made no progress within REPLICA_STALL_TIMEOUT_MS (${bounds.stallBoundMs / 1000} s counted) ${pushed}: `
        + `its worker ${worker!} holds its job, and gave no sign of running the replica`;
    }
    const where = holder !== null
      ? 'its job is held by a worker that shows no sign of resuming it'
      : 'its job is waiting in the replicas queue, which no worker process serves';
    return `replica ${replica} was not resumed within REPLICA_START_TIMEOUT_MS (${bounds.startBoundMs / 1000} s counted) ${pushed}: ${where}`;
  }));
}
