/**
 * A replica's heartbeat: a short-lived key in Redis, beside its run's parameter server, that the
 * delivery holding the replica's job refreshes as it starts the replica (reading the run,
 * resolving and building the objective, trying again through an outage) and as the replica's
 * loop runs (between its steps, before each exchange). The run's coordinator reads it
 * (distributed-run.ts): a replica not begun whose heartbeat is fresh is being started by a
 * worker, slowly perhaps (cut off from PostgreSQL, building a large objective), and its wait does
 * not count against REPLICA_START_TIMEOUT_MS; a begun one whose heartbeat lapsed while its worker
 * holds its job has stalled, and counts against REPLICA_STALL_TIMEOUT_MS (replica-stalls.ts).
 *
 * The beats come from that work itself, at its steps, never from a timer: a start or a loop that
 * hangs (an await that never ends) stops beating as a worker that died or whose event loop is
 * held does, and its key lapses. A delivery beats at most once a quarter of its job's lock
 * duration, and a beat lasts as heartbeatLifetimeMs says.
 */
import { hostname } from 'node:os';
import { serverTag } from '../parameter-server/parameter-server.ts';
import { sendCorkedWrites, type Redis } from '../queue/connection.ts';

/** The key of replica `replica`'s heartbeat: on the node of its run's main shard. */
function heartbeatKey(prefix: string, runId: string, replica: number): string {
  return `${serverTag(prefix, runId, 0)}:alive:${replica}`;
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
 * The beat of one delivery of replica `replica` of run `runId`: sets the key (host:pid) to last
 * `timing`'s lifetime, at most once a quarter of the lock duration and never while a beat is on
 * its way. What it writes is sent at once, before work that holds the event loop (a build).
 */
export function replicaHeartbeat(redis: Redis, prefix: string, runId: string, replica: number, timing: HeartbeatTiming): () => void {
  const key = heartbeatKey(prefix, runId, replica);
  const periodMs = timing.lockDurationMs / 4;
  const lifetimeMs = heartbeatLifetimeMs(timing);
  let beatAt = -Infinity;
  let sending = false;
  return () => {
    const now = performance.now();
    if (sending || now - beatAt < periodMs) return;
    beatAt = now;
    sending = true;
    // Redis away: the next beat tries again (the key lapses meanwhile, and the coordinator's looks stop too).
    void redis.set(key, workerName(), 'PX', lifetimeMs).catch(() => undefined).finally(() => {
      sending = false;
    });
    sendCorkedWrites();
  };
}

/** Removes the heartbeats of run `runId`'s `replicas` (the run has ended; a beat that comes later lapses by itself). */
export async function removeHeartbeats(redis: Redis, prefix: string, runId: string, replicas: number): Promise<void> {
  await redis.del(...Array.from({ length: replicas }, (_, replica) => heartbeatKey(prefix, runId, replica)));
}

/** Those of `replicas` of run `runId` whose heartbeat is fresh, in one round trip. */
export async function aliveReplicas(redis: Redis, prefix: string, runId: string, replicas: readonly number[]): Promise<Set<number>> {
  if (replicas.length === 0) return new Set();
  const pipeline = redis.pipeline();
  for (const replica of replicas) pipeline.exists(heartbeatKey(prefix, runId, replica));
  const answers = (await pipeline.exec()) ?? [];
  return new Set(replicas.filter((_, i) => {
    const [error, exists] = answers[i]!;
    if (error) throw error;
    return exists === 1;
  }));
}
