/**
 * The sweep coordinator: rounds (src/db/sweep-coordination.ts, planned by plan-round.ts) on
 * wake-ups, then the effects outside the database: queue the round's trials as ordinary run jobs
 * (job id = run id, so repeating it is harmless), stop the unended trials of a sweep that is
 * ending (it ends once they have: see RoundPlan.stop; a trial whose job no worker holds is ended
 * at once, see stopSweepTrials, and another round follows to decide), tell the ends of the queued
 * trials its stop cancelled, publish the sweep's event, and
 * schedule the next periodic check (and the time limit).
 *
 * A trial's end wakes its sweep in the worker that ran it (`wake`, called by the run processor),
 * without a job on the sweeps queue. Such a wake-up does not queue behind the sweep's lock: one
 * that finds it held leaves the trial's end to the holder, whose count of ended trials after its
 * commit includes it unless its read did, and which then goes on with another round (see
 * RoundOutcome.missed). So a burst of trial ends costs a round or two, not one each, and the
 * effects of a round overlap the next round. Should that round fail (an outage), the worker
 * queues the wake-up instead.
 *
 * A trial's end need not hurry while its sweep's trials wait for a worker (the workers are busy:
 * a trial created now would wait too): when the last round found w trials still queued, up to
 * ⌊w/2⌋ of the next trial ends in this process (half: other processes' workers take queued
 * trials too) leave their round to the end after them, or to `deferMs` later should none come
 * first. So a sweep whose workers are saturated plans a round for several ends, and with more
 * of its trials finished when it suggests.
 *
 * A wake-up from the sweeps queue (the sweep's creation, its periodic check, its time limit, a
 * retried trial's end) is not a trial's end the holder would count: its round waits for the
 * lock instead, and looks once the holder has committed. Such wake-ups are few, so waiting costs
 * little, and no round has to ask Redis whether one came meanwhile. A round schedules the
 * sweep's periodic check once per period per process.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { SweepSpec } from '../../contracts/sweep-spec.ts';
import { createSweepCoordination, type RoundOutcome } from '../../db/sweep-coordination.ts';
import { createStrandedSweeps } from '../../db/stranded-sweeps.ts';
import { createTenantBacklog } from '../../db/tenant-backlog.ts';
import type { Pool } from '../../db/pool.ts';
import type { Redis } from '../../queue/connection.ts';
import { createStrandedRuns } from '../../db/stranded-runs.ts';
import { addRunJobs, type RunsQueue } from '../../queue/runs-queue.ts';
import { publishSweepEnd, publishSweepEvent } from '../../queue/sweep-events.ts';
import { stopSweepTrials } from '../../queue/sweep-trial-stops.ts';
import { tellCancelledQueued } from '../../queue/run-cancellation.ts';
import { sweepCheckMs, sweepJobDataSchema, wakeSweepAt, type SweepJobData, type SweepsQueue } from '../../queue/sweeps-queue.ts';
import { isInfrastructureError } from '../outages.ts';
import { isLockTimeout } from '../../db/database-unavailable.ts';
import { createRoundPlanner, type RoundPlanner } from '../sweeps/round-planner.ts';

/**
 * Runs a wake-up's rounds; `wake` does the same for a sweep woken in this process (a trial's
 * end, told by its worker); `close` ends the threads that plan its rounds (see round-planner.ts).
 */
export type SweepProcessor = ((job: Job<SweepJobData>) => Promise<void>) & {
  readonly wake: (sweepId: string) => Promise<void>;
  readonly close: () => Promise<void>;
};

/** How long a trial's end left for a later round waits at most for another end to come. */
const deferMs = 20;

/** Sweeps whose periodic checks this process remembers scheduling, at most (then it forgets them all and schedules again). */
const rememberedChecks = 10_000;

export interface SweepProcessorDependencies {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly runsQueue: RunsQueue;
  readonly sweepsQueue: SweepsQueue;
  readonly clock?: () => Date;
  /** Where rounds are planned (a planner of its own, closed with the processor, when absent). */
  readonly planner?: RoundPlanner;
}

export function createSweepProcessor(dependencies: SweepProcessorDependencies) {
  const { pool, redis, queuePrefix, runsQueue, sweepsQueue } = dependencies;
  const coordination = createSweepCoordination(pool);
  const backlog = createTenantBacklog(pool);
  const strandedSweeps = createStrandedSweeps(pool);
  const stopping = { redis, queuePrefix, runsQueue, strandedRuns: createStrandedRuns(pool) };
  const clock = dependencies.clock ?? (() => new Date());
  const planner = dependencies.planner ?? createRoundPlanner();

  /**
   * Rounds until one leaves something running or ends the sweep (trials created failed free
   * their places at once); `asked.again` is cleared as each round starts.
   */
  async function coordinate(sweepId: string, asked: { again: boolean }, wait: boolean): Promise<RoundOutcome | null> {
    for (;;) {
      asked.again = false;
      const outcome = await coordination.round(sweepId, (sweep) => (sweep.spec as SweepSpec).metric.name, (sweep, trials) => planner.plan(sweep, trials, clock()), { wait });
      if (!outcome || outcome.finished || outcome.created.length === 0 || outcome.queued.length > 0) return outcome;
    }
  }

  /** The periodic check each sweep's rounds last scheduled from this process: the next round in the same period adds none. */
  const scheduledChecks = new Map<string, number>();

  /**
   * A wake-up's rounds, until none is left to do; true when the sweep ended. A queued wake-up
   * (`wait`) waits for the lock for its first round. Another round follows one that missed a
   * trial's end (see RoundOutcome.missed) and one during which a wake-up of this process asked
   * again (see `wake`).
   */
  async function rounds(sweepId: string, asked: { again: boolean }, wait: boolean): Promise<boolean> {
    const effects: Promise<boolean>[] = [];
    try {
      for (let first = true; ; first = false) {
        const outcome = await coordinate(sweepId, asked, wait && first);
        if (!outcome) return false;
        if (outcome.finished) slack.delete(sweepId);
        else slack.set(sweepId, Math.floor(outcome.waiting / 2));
        // The sweep's end is told after what came before it.
        if (outcome.finished) await Promise.all(effects.splice(0));
        const effect = applyEffects(sweepId, outcome);
        // Awaited below; handled now, so a failure before then is not taken for an unhandled one.
        effect.catch(() => undefined);
        effects.push(effect);
        if (outcome.finished) return true;
        // Trials the round's stop ended at once (no worker held them) wake no one: the next round decides.
        if (outcome.stopping && await effect) continue;
        if (!outcome.missed && !outcome.more && !asked.again) return false;
      }
    } finally {
      await Promise.all(effects);
    }
  }

  /**
   * A trial's end, told by the worker that ran it (after its end was stored). Such wake-ups in
   * flight in this process, by sweep: the first runs the rounds; one that comes meanwhile only
   * asks it for another (`again`) and shares its end. A round that finds the lock held leaves the
   * trial's end to the holder, whose count of ended trials after its commit includes it unless
   * its read did. The first looks at `again` and leaves in the same turn of the event loop, so no
   * request goes unseen.
   */
  const inFlight = new Map<string, { again: boolean; done: Promise<void> }>();

  /** By sweep: how many more trial ends may leave their round for later, from the last round's count of waiting trials. */
  const slack = new Map<string, number>();

  /** By sweep: trial ends left for a later round, which `run` starts (at the next end, or after `deferMs`). */
  const deferred = new Map<string, { readonly done: Promise<void>; readonly run: () => void }>();

  function wake(sweepId: string): Promise<void> {
    const later = deferred.get(sweepId);
    const allowed = slack.get(sweepId) ?? 0;
    if (!inFlight.has(sweepId) && allowed > 0) {
      slack.set(sweepId, allowed - 1);
      if (later) return later.done;
      let run: () => void = () => undefined;
      const done = new Promise<void>((resolve, reject) => {
        run = () => {
          clearTimeout(timer);
          deferred.delete(sweepId);
          roundsNow(sweepId).then(resolve, reject);
        };
      });
      const timer = setTimeout(() => run(), deferMs);
      timer.unref();
      deferred.set(sweepId, { done, run });
      return done;
    }
    // The round the ends left for later start now reads after this end too.
    if (later) {
      later.run();
      return later.done;
    }
    return roundsNow(sweepId);
  }

  /** A wake-up's rounds now, or a request for another to the rounds in flight. */
  function roundsNow(sweepId: string): Promise<void> {
    const running = inFlight.get(sweepId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        while (!(await rounds(sweepId, state, false)) && state.again);
      } finally {
        inFlight.delete(sweepId);
      }
    })();
    inFlight.set(sweepId, state);
    return state.done;
  }

  const processor = async (job: Job<SweepJobData>): Promise<void> => {
    const payload = sweepJobDataSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid sweep job payload: ${payload.error.message}`);
    try {
      await rounds(payload.data.sweepId, { again: false }, true);
    } catch (error) {
      // A round that failed for another cause than an outage (waited out by the worker) or a wait
      // for the sweep's lock beyond its lock_timeout (another round, or a session PostgreSQL ends
      // soon) counts on the sweep, which the sweep reconciler ends once too many have (see
      // sweep-reconciler.ts).
      if (!isInfrastructureError(error) && !isLockTimeout(error)) {
        await strandedSweeps.failedRound(payload.data.sweepId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
      }
      throw error;
    }
  };

  /**
   * The round's effects outside the database; true when its stop ended running trials at once
   * (see stopSweepTrials: a trial whose job no worker holds, which would never read its flag).
   */
  async function applyEffects(sweepId: string, outcome: RoundOutcome): Promise<boolean> {
    if (outcome.queued.length > 0) {
      // The new trials' places came with the round; only trials queued again are looked up.
      await addRunJobs(runsQueue, outcome.queued, async (runIds) => {
        const unknown = runIds.filter((runId) => !outcome.places.has(runId));
        return unknown.length === 0 ? outcome.places : new Map([...outcome.places, ...(await backlog.ranks(unknown))]);
      });
      // A cancel between the round's commit and these jobs (the client's, of the sweep or of a
      // trial, or another round's stop) removed jobs that did not exist yet, and told the trials'
      // ends: their jobs, just added, go now, so none wakes an ended sweep (told once, see
      // tellCancelledQueued: a worker that took one first finds the run ended, as does its teller).
      const cancelled = await stopping.strandedRuns.cancelledOf(outcome.queued);
      await Promise.all(cancelled.map((trial) => tellCancelledQueued(stopping, trial)));
    }
    const { stopping: stopped } = outcome;
    const endedAtOnce = stopped ? (await stopSweepTrials(stopping, { cancelled: stopped.cancelled, running: stopped.trials }, stopped.why)).length > 0 : false;
    const event = { type: 'sweep', sweepId, status: outcome.sweep.status, result: outcome.sweep.result ?? null } as const;
    if (outcome.finished) await publishSweepEnd(redis, queuePrefix, event);
    else if (outcome.created.length > 0) await publishSweepEvent(redis, event).catch(() => undefined);
    if (outcome.finished) {
      scheduledChecks.delete(sweepId);
      return false;
    }
    const now = clock().getTime();
    const nextCheck = Math.floor(now / sweepCheckMs) + 1;
    if (scheduledChecks.get(sweepId) === nextCheck) return endedAtOnce;
    await wakeSweepAt(sweepsQueue, sweepId, `check-${nextCheck}`, nextCheck * sweepCheckMs, now);
    const limit = (outcome.sweep.spec as SweepSpec).budget.timeLimitSeconds;
    if (limit !== undefined && outcome.sweep.startedAt) {
      await wakeSweepAt(sweepsQueue, sweepId, 'deadline', outcome.sweep.startedAt.getTime() + limit * 1000, now);
    }
    if (scheduledChecks.size >= rememberedChecks) scheduledChecks.clear();
    scheduledChecks.set(sweepId, nextCheck);
    return endedAtOnce;
  }
  // A planner given is its giver's to close.
  const close = () => (dependencies.planner ? Promise.resolve() : planner.close());
  return Object.assign(processor, { wake, close });
}
