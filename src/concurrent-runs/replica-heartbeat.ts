/**
 * A replica's heartbeat: two keys in Redis, beside its run's parameter server, that the delivery
 * holding the replica's job writes as it starts the replica (reading the run, resolving and
 * building the objective, trying again through an outage) and as the replica's loop runs (between
 * its steps, before each exchange, at each try of one tried again). Each beat names the delivery:
 * its job's lock token and its worker (host:pid). One key is short-lived (`alive`: the beat is
 * fresh), the other outlasts any bound (`beat`: the last delivery that beat, however long ago).
 *
 * The run's coordinator reads them beside the job's lock, which holds the token of the delivery
 * holding the job now (replica-stalls.ts has the whole table): a fresh beat of that delivery
 * shows it starting or running the replica, however slowly (cut off from PostgreSQL, building a
 * large objective, losing commit after commit); a lapsed one of that delivery shows it stuck, and
 * counts against REPLICA_START_TIMEOUT_MS (not begun) or REPLICA_STALL_TIMEOUT_MS (begun), naming
 * its worker; a delivery that never beat (of an earlier release) is judged by what it did on the
 * server instead. A beat of another delivery (one that lost the job, its worker dead) says nothing
 * of the delivery holding the job.
 *
 * The beats come from that work itself, at its steps, never from a timer: a start or a loop that
 * hangs (an await that never ends) stops beating as a worker that died or whose event loop is
 * held does, and its key lapses. A delivery beats at most once a quarter of its job's lock
 * duration, and a beat lasts as heartbeatLifetimeMs says.
 */
import { hostname } from 'node:os';
import { serverTag } from '../parameter-server/parameter-server.ts';
import { sendCorkedWrites, type Redis } from '../queue/connection.ts';
import { withCommands } from '../queue/defined-commands.ts';
import { longestReplicaTimeoutMs } from './replica-stalls.ts';

/**
 * KEYS: alive, last, the main shard's accounting (parameter-server.ts). ARGV: the delivery, the
 * lifetimes of alive and last (ms). → 1, or 0 when not written. A beat lands only while the run's
 * server is there (its accounting has a version, as the server's scripts require): a run that
 * ended removed it with the heartbeats, and a loop that hung past the end must not write them
 * again (they would stay until they lapse, up to a day).
 */
const beatScript = `
if redis.call('HEXISTS', KEYS[3], 'version') == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 1
`;

interface BeatCommands {
  replicaBeat(alive: string, last: string, meta: string, delivery: string, aliveMs: number, lastMs: number): Promise<number>;
}

const beatCommands = { replicaBeat: { numberOfKeys: 3, lua: beatScript } };

/** The keys of replica `replica`'s heartbeat (its last beat's, fresh or not): on the node of its run's main shard. */
function heartbeatKeys(prefix: string, runId: string, replica: number): { readonly alive: string; readonly last: string } {
  const tag = serverTag(prefix, runId, 0);
  return { alive: `${tag}:alive:${replica}`, last: `${tag}:beat:${replica}` };
}

/** The run's main shard's accounting, which a beat needs there (parameter-server.ts names it so). */
const serverMeta = (prefix: string, runId: string): string => `${serverTag(prefix, runId, 0)}:meta`;

/** A delivery of a replica's job, as its beats name it: its job's lock token and its worker (host:pid). */
interface Delivery {
  readonly token: string;
  readonly worker: string;
}

/** This process, as a replica's worker: host:pid (what its heartbeat holds, and what the server records of the worker running it). */
export const workerName = (): string => `${hostname()}:${process.pid}`;

export interface HeartbeatTiming {
  /** The job's lock duration (WORKER_LOCK_DURATION_MS). */
  readonly lockDurationMs: number;
  /** How long a statement waits for PostgreSQL (DATABASE_STATEMENT_TIMEOUT_MS; absent: unbounded, not counted). */
  readonly statementTimeoutMs?: number | undefined;
  /** The longest delay between two tries through an outage (outages.ts: 5 s). */
  readonly outageRetryMs: number;
}

/**
 * How long a beat lasts: the lock duration plus the longest wait between two beats of work that
 * goes on, the longest of one statement's wait for PostgreSQL, a retry's delay through an outage
 * and the lock duration again (a step or a build holds the event loop, and one longer than the
 * lock loses the job anyway). With locks of 10 s, statements of 60 s and outages retried every
 * 5 s at most: 70 s; with locks of 1 s, statements of 2 s: 6 s (the outage's 5 s is the longest).
 */
export function heartbeatLifetimeMs({ lockDurationMs, statementTimeoutMs, outageRetryMs }: HeartbeatTiming): number {
  return Math.ceil(lockDurationMs + Math.max(lockDurationMs, statementTimeoutMs ?? 0, outageRetryMs));
}

/**
 * The beat of one delivery of replica `replica` of run `runId`, whose job's lock has `token`: sets
 * both keys to name it, the fresh one to last `timing`'s lifetime, at most once a quarter of the
 * lock duration and never while a beat is on its way; nothing once the run's server is gone (the
 * run ended, or Redis lost it until its coordinator writes it back), and a beat not written does
 * not count toward that quarter. What it writes is sent at once, before work that holds the event
 * loop (a build).
 */
export function replicaHeartbeat(redis: Redis, prefix: string, runId: string, replica: number, token: string, timing: HeartbeatTiming): () => void {
  const keys = heartbeatKeys(prefix, runId, replica);
  const meta = serverMeta(prefix, runId);
  const commands = withCommands<BeatCommands>(redis, beatCommands);
  const periodMs = timing.lockDurationMs / 4;
  const lifetimeMs = heartbeatLifetimeMs(timing);
  const delivery = JSON.stringify([token, workerName()]);
  let beatAt = -Infinity;
  let sending = false;
  return () => {
    const now = performance.now();
    if (sending || now - beatAt < periodMs) return;
    beatAt = now;
    sending = true;
    // Redis away: the next beat tries again (the key lapses meanwhile, and the coordinator's looks stop too).
    // `last` is kept past the longest bound, so that a delivery that stopped beating is still known when its bound is past.
    void commands.replicaBeat(keys.alive, keys.last, meta, delivery, lifetimeMs, lifetimeMs + longestReplicaTimeoutMs).then((landed) => {
      // Not written (the server missing): the next call beats, not a quarter of the lock later, so
      // the first beat after the coordinator writes the server back is not late.
      if (landed === 0) beatAt = -Infinity;
    }, () => undefined).finally(() => {
      sending = false;
    });
    sendCorkedWrites();
  };
}

/** Removes the heartbeats of run `runId`'s `replicas` (the run has ended and removed its server: a beat that comes later writes nothing). */
export async function removeHeartbeats(redis: Redis, prefix: string, runId: string, replicas: number): Promise<void> {
  await redis.del(...Array.from({ length: replicas }, (_, replica) => Object.values(heartbeatKeys(prefix, runId, replica))).flat());
}

/** What a replica's heartbeat says: the delivery whose beat is fresh, and the last delivery that beat (null: none). */
export interface ReplicaBeats {
  readonly fresh: Delivery | null;
  readonly last: Delivery | null;
}

/** The delivery a beat names (null: none, or a value no beat writes). */
function delivery(value: string | null): Delivery | null {
  if (value === null) return null;
  try {
    const [token, worker] = JSON.parse(value) as unknown[];
    return typeof token === 'string' && typeof worker === 'string' ? { token, worker } : null;
  } catch {
    return null;
  }
}

/** The heartbeats of `replicas` of run `runId`, in one round trip. */
export async function replicaBeats(redis: Redis, prefix: string, runId: string, replicas: readonly number[]): Promise<ReplicaBeats[]> {
  if (replicas.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const replica of replicas) {
    const keys = heartbeatKeys(prefix, runId, replica);
    pipeline.get(keys.alive).get(keys.last);
  }
  const answers = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as string | null;
  });
  return replicas.map((_, i) => ({ fresh: delivery(answers[2 * i]!), last: delivery(answers[2 * i + 1]!) }));
}
