/**
 * One replica of a concurrent downpour, easgd or adaptive-revision run, as a queue job runs it:
 * its shard of the training rows and its own local step (optimizer state, schedule, clipping,
 * noise, counted in its own steps, as in the simulation: core/parallel/), exchanging with the
 * parameter server in Redis. Each exchange gives it its next steps (τ, or 1 for
 * adaptive-revision) until the run's total is given out or the run stops; it then pushes what
 * it has and ends. A replica in the middle of its τ steps asks the server every 100 ms whether
 * the run was stopped (waiting at most 50 ms for the answer: with Redis away it computes on), and
 * if so leaves the rest of them and pushes the steps it made.
 *
 *   downpour            exchange: x̃ ← x̃ + v_i and x_i ← x̃ (one operation); τ local steps on x_i, v_i their displacement
 *   easgd               exchange: e = α(x_i − x̃), x_i ← x_i − e, x̃ ← x̃ + e; τ local steps on x_i
 *   adaptive-revision   read w and ḡ; g at w; the server's AdaptiveRevision update with g and ḡ as read
 *
 * A replica resumed on another worker (its worker died) starts from the server: the account of
 * its exchanges on the server says where it was, x_i is the server's (an easgd replica's first
 * exchange then has α = 0), its optimizer state starts afresh, and the steps it had been given
 * but never pushed are given to it again. A replica whose job was taken over by another delivery
 * (its lock lost) stops at its next step, exchange or try of an exchange tried again on the main
 * shard, pushing nothing more (an exchange the main shard committed is finished on the other
 * shards): the other delivery resumes it from the server. Its loop beats the replica's
 * heartbeat as it goes, between its steps, before each exchange and at each try of one tried
 * again (a commit that lost to another replica's), never from a timer: a loop that hangs is found
 * stalled.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { isDataObjective, type Objective } from '../core/objectives/index.ts';
import { DataShard } from '../core/parallel/data-shard.ts';
import { Replica } from '../core/parallel/replica.ts';
import { resolveOptimizerConfig } from '../core/optimizers/index.ts';
import type { ResolvedParallelSettings } from '../core/parallel/index.ts';
import { finiteGradientNorm, nonFiniteParameter } from '../core/training/divergence.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import { distance } from '../core/vec.ts';
import { ServerLostError, type ExchangeReply, type ParameterServer } from '../parameter-server/parameter-server.ts';
import { workerName } from './replica-heartbeat.ts';

export interface ReplicaLoopOptions {
  readonly config: RunConfig;
  readonly settings: ResolvedParallelSettings;
  readonly objective: Objective;
  readonly server: ParameterServer;
  readonly replica: number;
  /** True once the replica must hand its job back (the worker is stopping). */
  readonly interrupted: () => boolean;
  /**
   * Renews this delivery's lock on the replica's job when due: false once it lost it, and another
   * worker may run the replica now. Asked before each exchange, at each try of one tried again
   * on the main shard and between steps.
   */
  readonly holdsJob?: () => Promise<boolean>;
  /**
   * Beats the replica's heartbeat (replica-heartbeat.ts): called by the loop between its steps,
   * before each exchange and at each try of an exchange tried again, so that a loop that hangs
   * stops beating and its run's coordinator finds it stalled (replica-stalls.ts).
   */
  readonly heartbeat?: () => void;
  /** Whether the run still runs (asked when the server stays missing: a finished run removed it). */
  readonly running: () => Promise<boolean>;
}

/** The run ended without this replica (it had removed its server). */
class RunGone extends Error {}

/** The replica was interrupted before it was done (its worker stops): its job goes back to the queue (src/worker/replica-worker.ts). */
export class ReplicaInterrupted extends Error {
  override readonly name = 'ReplicaInterrupted';
}

/**
 * The replica's job was lost to another delivery (its lock lost: a worker whose event loop was
 * held past the lock, or cut off from Redis, had the job taken over): the replica stops at once,
 * pushing nothing more, and leaves the job to the other delivery (src/worker/replica-worker.ts).
 */
export class ReplicaSuperseded extends Error {
  override readonly name = 'ReplicaSuperseded';
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Computing longer than this without an exchange yields to the event loop (lock renewal, other replicas). */
const computeSliceMs = 20;
/** How often a replica asks whether its run still runs (a run that failed or was deleted leaves its replicas nothing to do). */
const runCheckMs = 2_000;
/** How often a replica in the middle of its steps asks the server whether the run was stopped (cancel, time limit, a stop rule). */
const stopCheckMs = 100;
/** How long a replica waits for that answer before computing on (Redis away: its connection waits for it, the replica does not). */
const stopAnswerMs = 50;

export async function runReplica(options: ReplicaLoopOptions): Promise<void> {
  try {
    await replicaLoop(options);
  } catch (error) {
    // The server stayed missing at any step and the run has ended: nothing is left to do.
    if (!(error instanceof RunGone)) throw error;
  }
}

async function replicaLoop(options: ReplicaLoopOptions): Promise<void> {
  const { config, settings, objective, replica: index, interrupted } = options;
  const p = settings.replicas;

  /** Shows the replica's loop alive; throws once another delivery may run the replica: two copies would do its steps twice. */
  async function ownJob(): Promise<void> {
    options.heartbeat?.();
    if (options.holdsJob && !(await options.holdsJob())) throw new ReplicaSuperseded(`Replica ${index}'s job was taken over by another delivery; this one stops.`);
  }

  // An exchange that tries again (its commit lost to another replica's) beats before each try, and
  // on the main shard checks the job's lock as before the first try: a delivery that lost its job
  // meanwhile commits nothing there. Its other shards finish what they began, so that an exchange
  // the main shard committed (the resumed delivery goes on after it) is whole on every shard.
  const server = options.heartbeat || options.holdsJob
    ? options.server.withProgress((shard) => (shard === 0 ? ownJob() : options.heartbeat?.()))
    : options.server;

  /** Retries an operation while Redis has lost the server (the coordinator restores it) or is away. */
  async function persist<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await ownJob();
      if (interrupted()) throw new ReplicaInterrupted(`Replica ${index} handed back before it was done.`);
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof ServerLostError)) throw error;
        if (attempt % 50 === 0 && !(await options.running())) throw new RunGone();
        await pause(100);
      }
    }
  }

  let status: Awaited<ReturnType<ParameterServer['replicaStatus']>>;
  try {
    status = await persist(() => server.replicaStatus(index));
  } catch (error) {
    if (error instanceof RunGone) return;
    throw error;
  }
  if (status.done) return persist(() => server.finishReplica(index, null));
  await persist(() => server.register(index, workerName()));
  const data = isDataObjective(objective) ? objective : null;
  const shard = data ? new DataShard(data, index, p) : null;
  const ownParams = settings.algorithm !== 'adaptive-revision';
  const replica = new Replica(index, objective, shard, config, { ownParams, totalSteps: Math.ceil(status.total / p), validating: false });
  const dimension = objective.dimension;
  let seq = status.seq;
  replica.steps = status.steps;
  // A replica that made exchanges before is resumed: its first exchange asks again for the steps it never pushed.
  let want = seq > 0 ? -1 : settings.communicationPeriod;
  let broken: number | null = null;
  let sliceStart = performance.now();

  /** One local step of the replica's optimizer on `params`; false when its loss or gradient is not finite. */
  function localStep(params: Float64Array, apply: boolean): boolean {
    replica.nextBatch(params);
    const local = replica.local;
    local.begin(replica.steps + 1);
    const loss = local.evaluate(replica.objective, params);
    if (finiteGradientNorm(loss, local.gradient) === null) return false;
    if (apply) local.apply(params);
    return true;
  }

  let lastRunCheck = performance.now();
  let lastStopCheck = performance.now();
  /** The server said the run stopped (it stays so). */
  let stopSeen = false;
  /** A question whether it stopped is on its way (never more than one). */
  let asking = false;

  /**
   * Asks the server whether the run stopped, waiting for the answer at most `stopAnswerMs`: an
   * answer that comes later is taken at the next check. A server Redis lost is not stopped: the
   * next exchange waits for it to be written back.
   */
  async function askStopped(): Promise<boolean> {
    if (!asking) {
      asking = true;
      const answer = server.stopped().then(
        (stopped) => {
          stopSeen ||= stopped;
        },
        () => {},
      ).finally(() => {
        asking = false;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([answer, new Promise((resolve) => (timer = setTimeout(resolve, stopAnswerMs)))]);
      clearTimeout(timer);
    }
    return stopSeen;
  }

  /**
   * Yields now and then: 'gone' once the run has ended without this replica, 'stopped' once the
   * server gives no more steps (the replica leaves its steps and pushes what it has), else 'go'.
   */
  async function breathe(): Promise<'go' | 'stopped' | 'gone'> {
    await ownJob();
    const now = performance.now();
    if (now - lastRunCheck >= runCheckMs) {
      lastRunCheck = now;
      if (!(await options.running())) return 'gone';
    }
    if (now - lastStopCheck >= stopCheckMs) {
      lastStopCheck = now;
      if (await askStopped()) return 'stopped';
    }
    if (now - sliceStart < computeSliceMs) return 'go';
    await nextMacrotask();
    sliceStart = performance.now();
    return 'go';
  }

  if (settings.algorithm === 'adaptive-revision') {
    const { learningRate, epsilon } = resolveOptimizerConfig(config.optimizer) as { learningRate: number; epsilon: number };
    const w = new Float64Array(dimension);
    const sumAtRead = new Float64Array(dimension);
    for (;;) {
      const read: ExchangeReply = await persist(() => server.read(index, w, sumAtRead, want));
      want = 1;
      if (read.grant === 0) return persist(() => server.finishReplica(index, null));
      if (!localStep(w, false)) {
        await persist(() => server.reportBroken(-1));
        continue;
      }
      replica.local.transform(w);
      seq++;
      const at = seq;
      await persist(() => server.apply(index, at, read.version, learningRate, epsilon, replica.local.gradient, sumAtRead));
      replica.steps++;
      // Each step is an exchange: the next read is given none once the run stopped.
      if ((await breathe()) === 'gone') return;
    }
  }

  const params = replica.params!;
  const exchanged = new Float64Array(dimension);
  const displacement = new Float64Array(dimension);
  const before = new Float64Array(dimension);
  let pending = 0;
  let pulled = status.version;
  let resumed = seq > 0;
  for (;;) {
    seq++;
    const at = seq;
    let reply: ExchangeReply;
    let gap: number | null = null;
    if (settings.algorithm === 'downpour') {
      const push = pending > 0 ? displacement : null;
      reply = await persist(() => server.downpour(index, at, pending, pulled, want, push, exchanged));
      if (!resumed) gap = distance(params, exchanged);
      params.set(exchanged);
      displacement.fill(0);
      pulled = reply.version;
    } else {
      // A resumed replica has no x_i: its first exchange takes the center's as it is (α = 0).
      const alpha = resumed ? 0 : settings.movingRate;
      reply = await persist(() => server.elastic(index, at, pending, alpha, want, params, exchanged));
      if (!resumed) gap = distance(params, exchanged);
      if (resumed) params.set(exchanged);
      else for (let j = 0; j < dimension; j++) params[j] -= alpha * (params[j] - exchanged[j]);
    }
    resumed = false;
    want = settings.communicationPeriod;
    pending = 0;
    if (reply.grant === 0) return persist(() => server.finishReplica(index, gap));
    for (let s = 0; s < reply.grant && broken === null; s++) {
      before.set(params);
      if (!localStep(params, true)) broken = -1;
      else {
        const bad = nonFiniteParameter(params);
        if (bad >= 0) broken = bad;
        for (let j = 0; j < dimension; j++) displacement[j] += params[j] - before[j];
        replica.steps++;
        pending++;
      }
      const next = await breathe();
      if (next === 'gone') return;
      // Stopped in the middle of its steps: the next exchange pushes those made and is given none.
      if (next === 'stopped') break;
    }
    if (broken !== null) {
      const found = broken;
      // Through a server Redis lost, until it is written back (or the run is gone).
      await persist(() => server.reportBroken(found));
      broken = null;
    }
  }
}
