/**
 * A tenant's runs running at once, at most (TENANT_MAX_RUNNING_RUNS). A worker that takes a
 * run's job first asks for one of its tenant's places; when none is free, the job is parked: moved
 * back to BullMQ's delayed set, so it holds no worker while it waits, and listed among its
 * tenant's parked jobs. A run that ends gives its place back and promotes the oldest parked job
 * of its tenant to the queue (with its priority, so tenants still take turns). Nothing polls: a
 * parked job moves when a place frees, and only after `parkedMs` (a safety net for a worker that
 * died holding places) does it come back by itself.
 *
 * Why not a queue per tenant or BullMQ's groups: groups are not in BullMQ's open-source edition,
 * and a queue per tenant needs a worker (and its blocking Redis connection) per tenant in every
 * process. One queue with tenant-fair priorities (src/db/tenant-backlog.ts) and this gate keeps
 * one worker per process and costs one Redis script per run start and end.
 *
 * The places are a Redis set of run ids per tenant. It heals itself: a member whose job is no
 * longer in BullMQ's active list (its worker died, the job moved on) is dropped when the set is
 * next found full, so a run start below the limit costs no scan. The check, the taking of a place and the parking are one script, so two workers
 * cannot take the last place twice. A place freed between a job's parking and its move to the
 * delayed set would promote nothing (the job is not delayed yet): the parked job looks again once
 * delayed and promotes itself when a place is free.
 *
 * The scripts are the connection's defined commands (EVALSHA: Redis neither receives nor hashes
 * their text again on every run). Each call goes out alone: gathering the calls of concurrent jobs
 * into pipelines cost the worker more JavaScript (0.07 ms of CPU per admitted and released run
 * instead of 0.04) than the round trips it saved. Calls issued together still leave in one write
 * (see src/queue/connection.ts).
 */
import { Job, type Worker } from 'bullmq';
import type { Redis } from '../queue/connection.ts';
import { withCommands } from '../queue/defined-commands.ts';
import type { RunJobData } from '../queue/runs-queue.ts';
import { givePlaceBackLua, type TenantPlace } from '../queue/tenant-places.ts';

/** Counts the tenant's live places (dropping the dead) and, in mode `take`, takes one for the run or parks it. */
const admitScript = `
local running, parked, active = KEYS[1], KEYS[2], KEYS[3]
local runId, limit, now, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
if mode == 'take' and redis.call('SISMEMBER', running, runId) == 1 then
  redis.call('ZREM', parked, runId)
  return 1
end
-- Below the limit as listed, a place is free; at it, the dead are dropped before counting again.
local live = redis.call('SCARD', running)
if live >= limit then
  live = 0
  for _, member in ipairs(redis.call('SMEMBERS', running)) do
    if redis.call('LPOS', active, member) then live = live + 1 else redis.call('SREM', running, member) end
  end
end
if live >= limit then
  if mode == 'take' then redis.call('ZADD', parked, 'NX', now, runId) end
  return 0
end
if mode == 'take' then
  redis.call('SADD', running, runId)
  redis.call('ZREM', parked, runId)
end
return 1`;

/** Gives the run's place back and takes the tenant's oldest parked run off the list, returning its id. */
const releaseScript = `${givePlaceBackLua('KEYS[1]', 'KEYS[2]', 'ARGV[1]')}
return next`;

/** Parked jobs that a release finds gone (cancelled, deleted) are skipped; this many at most per release. */
const promotionTries = 8;

export interface TenantAdmissionOptions {
  readonly maxRunningRuns: number;
  /** How long a parked job waits at most before it asks again by itself. */
  readonly parkedMs: number;
}

export const defaultParkedMs = 15_000;

/** The scripts as the connection's commands. */
interface AdmissionCommands {
  descentAdmit(running: string, parked: string, active: string, runId: string, limit: number, now: number, mode: 'take' | 'look'): Promise<number>;
  descentRelease(running: string, parked: string, runId: string): Promise<string | null>;
}

const admissionCommands = {
  descentAdmit: { numberOfKeys: 3, lua: admitScript },
  descentRelease: { numberOfKeys: 2, lua: releaseScript },
};

export function createTenantAdmission(worker: Worker<RunJobData>, redis: Redis, prefix: string, options: TenantAdmissionOptions) {
  const keys = (tenantId: string) => [`${prefix}:tenant-running:${tenantId}`, `${prefix}:tenant-parked:${tenantId}`, worker.keys.active!] as const;
  const commands = withCommands<AdmissionCommands>(redis, admissionCommands);

  async function admitted(tenantId: string, runId: string, mode: 'take' | 'look'): Promise<boolean> {
    const result = await commands.descentAdmit(...keys(tenantId), runId, options.maxRunningRuns, Date.now(), mode);
    return result === 1;
  }

  /** Moves a parked job back to the queue; false when it is not parked any more (promoted, removed, cancelled). */
  async function promote(runId: string): Promise<boolean> {
    const job = await Job.fromId(worker, runId);
    if (!job) return false;
    return job.promote().then(() => true, () => false);
  }

  return {
    /**
     * True when the job's run may start now (it holds one of its tenant's places); false when
     * the job was parked instead (the caller then throws BullMQ's DelayedError). A job without a
     * tenant (enqueued by an older version) is not counted.
     */
    async admit(job: Job<RunJobData>, token: string | undefined): Promise<boolean> {
      const { runId, tenantId } = job.data;
      if (tenantId === undefined || (await admitted(tenantId, runId, 'take'))) return true;
      await job.moveToDelayed(Date.now() + options.parkedMs, token);
      // A place freed while the job was being parked promoted nothing: it promotes itself.
      if (await admitted(tenantId, runId, 'look')) await promote(runId);
      return false;
    },

    /**
     * Where the job's run holds its place, for its final announcement to give it back in the same
     * call (src/queue/run-announcer.ts); undefined for a job without a tenant.
     */
    place(job: Job<RunJobData>): TenantPlace | undefined {
      const { tenantId } = job.data;
      if (tenantId === undefined) return undefined;
      const [running, parked] = keys(tenantId);
      return { running, parked };
    },

    /**
     * Gives back the run's place, unless `place` says a final announcement did, and promotes its
     * tenant's oldest parked job.
     */
    async release(job: Job<RunJobData>, place?: TenantPlace): Promise<void> {
      const { runId, tenantId } = job.data;
      if (tenantId === undefined) return;
      const [running, parked] = keys(tenantId);
      let next = place?.givenBack ? place.givenBack.next : await commands.descentRelease(running, parked, runId);
      for (let tries = 1; next !== null && !(await promote(next)) && tries < promotionTries; tries++) {
        next = await commands.descentRelease(running, parked, runId);
      }
    },
  };
}

export type TenantAdmission = ReturnType<typeof createTenantAdmission>;
