/**
 * The coordinator of a concurrent downpour, easgd or adaptive-revision run: the run's own job.
 * It writes the parameter server into Redis (fresh, or from the run's checkpoint), adds one
 * job per replica to the `replicas` queue (replica-loop.ts runs them on any worker process) and
 * watches the server: the step count is every replica's pushed steps, the records, validation,
 * early stopping and stop rules are the server parameters' (CenterWatch). To end the run early
 * it stops the server from giving steps; the run ends once every replica has pushed its last
 * steps and is done. It is driven like the core's loop, `settle` doing the waiting between
 * slices, and each slice's checkpoint holds the whole server, so PostgreSQL keeps what a Redis
 * restart loses: a server Redis no longer holds is written back from the newest state, with the
 * stop the coordinator sent since (else the replicas would be given steps again). A replica whose
 * job no worker takes or begins is waited for up to a bound (replica-arrivals.ts); a stopping run
 * does not wait for such replicas at all, as any that begins after the stop is given no steps. A
 * replica whose job failed for good stops the run, which does not wait for it, and so does a begun
 * one that gives no sign of itself for a bound (its worker's delivery stuck, or its job not being
 * resumed: replica-stalls.ts has every case); one not done whose job is gone (Redis lost the job,
 * or the replica's finish with the server) has its job added again.
 */
import { isDataObjective, type DataObjective, type Objective } from '../core/objectives/index.ts';
import { parallelReport, StalenessHistogram, type ResolvedParallelSettings } from '../core/parallel/index.ts';
import { runCheckpointSchema, type RunCheckpoint } from '../core/training/checkpoint.ts';
import { joinNonFinite, splitNonFinite } from '../core/training/non-finite-entries.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import type { RunLoop } from '../core/training/run-engine.ts';
import type { StepRecord } from '../core/training/step-record.ts';
import type { StopReason } from '../core/training/stop-reasons.ts';
import { ParameterServer, ServerLostError, type ServerAlgorithm, type ServerState } from '../parameter-server/parameter-server.ts';
import type { Redis } from '../queue/connection.ts';
import { cancelFlagKey } from '../queue/run-cancellation.ts';
import { addReplicaJobs, begunReplicaJobStates, createReplicasQueue, removeReplicaJobs, replicaJobHolders, replicaJobState, replicaWorkersCount, type ReplicasQueue } from '../queue/replicas-queue.ts';
import { CenterWatch } from './center-watch.ts';
import { CoordinatedRun, runSize, type RunSize } from './coordinated-run.ts';
import { removeHeartbeats, replicaBeats } from './replica-heartbeat.ts';
import { defaultReplicaStartTimeoutMs, describeFailedReplicas, describeMissingReplicas, isWaitingState, ReplicaArrivals, seenTo } from './replica-arrivals.ts';
import { defaultReplicaStallTimeoutMs, describeStuckReplicas, ReplicaStalls, type BegunReplicaLook } from './replica-stalls.ts';

export interface DistributedRunOptions {
  readonly clock: () => number;
  readonly checkpoint?: RunCheckpoint;
  /** A `worker`-role connection: the parameter server's scripts and the replicas queue. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly runId: string;
  /** How long the run waits for replicas no worker begins (REPLICA_START_TIMEOUT_MS; 10 minutes when absent). */
  readonly replicaStartTimeoutMs?: number;
  /** How long the run waits for a begun replica whose worker's delivery of its job stopped beating (REPLICA_STALL_TIMEOUT_MS; 10 minutes when absent). */
  readonly replicaStallTimeoutMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server no coordinator has renewed for this long (its run failed or was deleted) expires; its checkpoint still holds it. */
const serverLifetimeSeconds = 24 * 3600;

/** How often the coordinator reads the server's accounting. */
const pollMs = 10;

/** How often the coordinator asks the replicas queue where the jobs of the replicas it waits for are. */
const queueLookMs = 1_000;

export class DistributedRun extends CoordinatedRun implements RunLoop {
  readonly variables: readonly string[];
  private readonly settings: ResolvedParallelSettings;
  private readonly server: ParameterServer;
  protected readonly watch: CenterWatch;
  protected readonly size: RunSize;
  private readonly objective: Objective;
  private readonly dataObjective: DataObjective | null;
  private readonly params: Float64Array;
  private queue: ReplicasQueue | null = null;
  /** The newest server state read (what checkpoints keep and a lost server is restored from). */
  private state: ServerState;
  private started = false;
  /** When the first replica began (its job taken by a worker), on `clock`: the time limit counts from then. */
  private startedAt: number | null = null;
  /** When this coordinator wrote the server, on Redis's clock: a resumed run counts its time from then at the earliest. */
  private openedAt = 0;
  private elapsedBefore = 0;
  private completed = 0;
  private stopSent = false;
  /** The checkpoint resumed from, of an earlier release, recorded a stop without saying why (explainStop's message). */
  private olderCheckpointStop = false;
  /** A replica's report of a non-finite value, as last seen on the server (0: none). */
  private broken = 0;
  private arrivals: ReplicaArrivals;
  private readonly stalls: ReplicaStalls;
  /** When the coordinator last looked at the replicas' jobs (on `clock`). */
  private lookedAt = -Infinity;
  /** The replicas the accounting showed finished: a server written back from an older state has them finished too. */
  private readonly finishedSeen = new Set<number>();
  /** The replicas whose jobs failed for good, or that gave no sign past their bound (replica-stalls.ts): the run does not wait for them. */
  private readonly failedReplicas = new Set<number>();
  private records: StepRecord[] = [];

  constructor(
    config: RunConfig,
    settings: ResolvedParallelSettings,
    objective: Objective,
    private readonly options: DistributedRunOptions,
  ) {
    super();
    this.settings = settings;
    this.objective = objective;
    this.dataObjective = isDataObjective(objective) ? objective : null;
    this.size = runSize(config, this.dataObjective, settings.replicas);
    this.variables = objective.variables;
    this.watch = new CenterWatch(config, objective, this.dataObjective, this.size.totalSteps, this.size.ticksPerEpoch);
    this.params = Float64Array.from(objective.initial);
    const algorithm = settings.algorithm as ServerAlgorithm;
    this.server = new ParameterServer(options.redis, { prefix: options.queuePrefix, runId: options.runId, dimension: objective.dimension, shards: settings.shards, algorithm });
    this.state = ParameterServer.freshState(algorithm, objective.initial, settings.shards, this.totalSteps, settings.replicas);
    const startBoundMs = options.replicaStartTimeoutMs ?? defaultReplicaStartTimeoutMs;
    this.arrivals = new ReplicaArrivals(settings.replicas, startBoundMs);
    this.stalls = new ReplicaStalls(settings.replicas, options.replicaStallTimeoutMs ?? defaultReplicaStallTimeoutMs, startBoundMs);
    if (options.checkpoint) this.restore(options.checkpoint);
    this.arrivals.see(this.state.meta[0]);
    // A checkpoint of a server written before replicas had shares gives them from now on, within
    // what is left of the total (a replica may be past its share already).
    if (this.state.meta[0].replicas === undefined) Object.assign(this.state.meta[0], { replicas: String(settings.replicas), firstCome: '1' });
  }

  protected stepCount(): number {
    return this.completed;
  }

  protected shared(): Float64Array {
    return this.params;
  }

  private elapsedMilliseconds(): number {
    return this.elapsedBefore + (this.startedAt !== null ? this.options.clock() - this.startedAt : 0);
  }

  private stop(reason: StopReason, message: string | null): void {
    this.stopping ??= { reason, message };
  }

  /** Writes the server (a shard Redis still holds from an earlier attempt is newer: it is kept) and adds the replicas' jobs. */
  private async start(): Promise<void> {
    this.openedAt = await this.server.now();
    await this.server.initialize(this.state, false);
    this.queue = createReplicasQueue(this.options.redis, this.options.queuePrefix);
    await addReplicaJobs(this.queue, this.options.runId, Array.from({ length: this.settings.replicas }, (_, replica) => replica));
    this.started = true;
  }

  /**
   * Writes a server Redis lost back from `state`, with what the coordinator told it or saw of it
   * after reading that state: the stop (and the non-finite value a replica reported, which
   * stopped it), and the replicas it saw finished. Without them the server written back would
   * give the replicas their steps again, and nothing would send the stop a second time; a replica
   * that finished (its job done, never to run again) would be waited for forever.
   */
  private async writeBack(): Promise<void> {
    const told: Record<string, string> = {
      ...(this.stopSent ? { stopped: '1' } : {}),
      ...(this.broken !== 0 ? { broken: String(this.broken) } : {}),
      ...Object.fromEntries([...this.finishedSeen].map((replica) => [`finished:${replica}`, '1'])),
    };
    await this.server.initialize({ vectors: this.state.vectors, meta: this.state.meta.map((meta, k) => (k === 0 ? { ...meta, ...told } : meta)) }, false);
  }

  /** Reads the whole server into `state` and `params`; a server Redis lost is written back first. */
  private async read(): Promise<void> {
    for (;;) {
      try {
        this.state = await this.server.snapshot();
        this.params.set(this.state.vectors[0]);
        return;
      } catch (error) {
        if (!(error instanceof ServerLostError)) throw error;
        await this.writeBack();
      }
    }
  }

  /** The main shard's accounting; a lost server is written back first. */
  private async accounting(): Promise<Record<string, string>> {
    for (;;) {
      try {
        return await this.server.accounting();
      } catch (error) {
        if (!(error instanceof ServerLostError)) throw error;
        await this.writeBack();
      }
    }
  }

  /**
   * Where the jobs of `replicas` are (the replicas not yet begun when absent), and whether a worker
   * is starting each: the delivery holding its job beats, its beat fresh.
   */
  private async jobsOf(replicas = this.arrivals.missing()) {
    const [states, holders, beats] = await Promise.all([
      Promise.all(replicas.map((replica) => replicaJobState(this.queue!, this.options.runId, replica))),
      replicaJobHolders(this.options.redis, this.queue!, this.options.runId, replicas),
      replicaBeats(this.options.redis, this.options.queuePrefix, this.options.runId, replicas),
    ]);
    return replicas.map((replica, i) => ({ replica, ...states[i]!, alive: holders[i] !== null && beats[i]!.fresh?.token === holders[i] }));
  }

  /** How many worker processes serve the replicas queue when one of `jobs` waits in it (0 asked otherwise: the answer would not be read). */
  private async workersFor(jobs: readonly { state: string }[]): Promise<number> {
    return jobs.some(({ state }) => isWaitingState(state)) ? replicaWorkersCount(this.queue!, this.options.queuePrefix) : 0;
  }

  /**
   * Looks at the jobs of the replicas the run waits for, once a `queueLookMs` at most (`meta`: the
   * poll's accounting). A job gone while its replica is not done (Redis lost the job, or lost the
   * replica's finish with the server) is added again: the replica resumes from the server. A job
   * failed for good is never tried again: the run stops, failed, and does not wait for its
   * replica; so does a begun replica that gave no sign past its bound (replica-stalls.ts). Returns whether
   * the wait for replicas not yet begun counts now: some is missing, the run is not stopping, and
   * a job of one is not seen to, neither waiting its turn nor held by a worker starting the
   * replica (replica-arrivals.ts); null between looks.
   */
  private async lookAtJobs(meta: Record<string, string>): Promise<boolean | null> {
    const stopped = this.stopping !== null || this.stopSent;
    const now = this.options.clock();
    if (now - this.lookedAt < queueLookMs) return null;
    this.lookedAt = now;
    // A replica not begun when the run stopped makes no steps: its job is no longer looked after.
    const awaited = Array.from({ length: this.settings.replicas }, (_, i) => i)
      .filter((i) => !this.finishedSeen.has(i) && !this.failedReplicas.has(i) && (!stopped || this.arrivals.reachedWorker(i)));
    // A begun replica's job is asked only whether it failed, is gone or who holds it, at a cost
    // that does not grow with the queue: every run's coordinator asks once a second.
    const begun = awaited.filter((i) => this.arrivals.reachedWorker(i));
    const [notBegunJobs, begunJobs, begunBeats] = await Promise.all([
      this.jobsOf(awaited.filter((i) => !this.arrivals.reachedWorker(i))),
      begunReplicaJobStates(this.options.redis, this.queue!, this.options.runId, begun),
      replicaBeats(this.options.redis, this.options.queuePrefix, this.options.runId, begun),
    ]);
    const jobs = [...notBegunJobs, ...begunJobs];
    const gone = jobs.filter(({ state }) => state === 'unknown').map(({ replica }) => replica);
    if (gone.length > 0) {
      // Read again: a replica that finished since, its job done and removed, is done.
      const fresh = await this.accounting();
      await addReplicaJobs(this.queue!, this.options.runId, gone.filter((replica) => fresh[`finished:${replica}`] !== '1'));
    }
    const failed = jobs.filter(({ state }) => state === 'failed');
    for (const { replica } of failed) this.failedReplicas.add(replica);
    if (failed.length > 0) {
      this.stop('error', describeFailedReplicas(failed.map(({ replica, failedReason }) => ({
        replica, failedReason, steps: this.arrivals.reachedWorker(replica) ? Number(meta[`steps:${replica}`] ?? 0) : null,
      }))));
    }
    await this.lookAtBegun(now, meta, begunJobs.flatMap(({ replica, state, holder }, k): BegunReplicaLook[] =>
      (state === 'held' || state === 'present' ? [{ replica, holder, beats: begunBeats[k]! }] : [])));
    const missing = notBegunJobs
      .filter(({ state }) => state !== 'failed')
      .map((job) => (job.state === 'unknown' ? { ...job, state: 'waiting' } : job));
    return !stopped && this.stopping === null && missing.length > 0 && !seenTo(missing, await this.workersFor(missing));
  }

  /**
   * Counts what the begun replicas' `jobs` (neither failed nor gone) show of them (replica-stalls.ts),
   * keeping it in the server's accounting for a coordinator that takes the run over; stops the run,
   * failed, once one is past its bound.
   */
  private async lookAtBegun(now: number, meta: Record<string, string>, jobs: readonly BegunReplicaLook[]): Promise<void> {
    const workers = jobs.some(({ holder }) => holder === null) ? await replicaWorkersCount(this.queue!, this.options.queuePrefix) : 0;
    const { stuck, writes } = this.stalls.look(now, jobs, meta, workers);
    // A server Redis lost is written back at the next poll; the counts go on from this coordinator's.
    if (Object.keys(writes).length > 0) await this.server.setFields(writes).catch((error: unknown) => {
      if (!(error instanceof ServerLostError)) throw error;
    });
    for (const { replica } of stuck) this.failedReplicas.add(replica);
    if (stuck.length > 0) this.stop('error', describeStuckReplicas(stuck.map((replica) => ({ ...replica, steps: Number(meta[`steps:${replica.replica}`] ?? 0) })), this.stalls));
  }

  /**
   * The failed run's message, naming the replicas not begun and where their jobs are; null when
   * every one has begun since (the server read once more), or their jobs are all seen to now.
   */
  private async describeMissing(): Promise<string | null> {
    this.arrivals.see(await this.accounting());
    if (this.arrivals.missing().length === 0) return null;
    const jobs = await this.jobsOf();
    const workers = await this.workersFor(jobs);
    return seenTo(jobs, workers) ? null : describeMissingReplicas(jobs, this.arrivals.boundMs, workers);
  }

  /** Watches the server until `deadline` or the run's end: records, stop rules, the end. `advance` hands the records over. */
  async settle(deadline: number): Promise<void> {
    if (this.finished) return;
    if (!this.started) await this.start();
    const clock = this.options.clock;
    const p = this.settings.replicas;
    for (;;) {
      if (this.cancelRequested) this.stop('cancelled', null);
      if (this.elapsedMilliseconds() >= this.size.limitMs) this.stop('time_limit', null);
      // Read after the stop was sent (by this coordinator, or an earlier one of the run), the server
      // shows every replica that may still push steps.
      const sentBeforeRead = this.stopSent;
      const meta = await this.accounting();
      const stopSentBefore = sentBeforeRead || meta.stopped === '1';
      if (meta.stopped === '1') this.stopSent = true;
      this.arrivals.see(meta);
      for (let i = 0; i < p; i++) if (meta[`finished:${i}`] === '1') this.finishedSeen.add(i);
      if (this.startedAt === null) await this.clockStart(meta);
      this.completed = Array.from({ length: p }, (_, i) => Number(meta[`steps:${i}`] ?? 0)).reduce((a, b) => a + b, 0);
      if (meta.broken !== undefined && meta.broken !== '0') this.broken = Number(meta.broken);
      if (this.broken !== 0) this.stop('diverged', null);
      // A stop an earlier coordinator sent whose reason no checkpoint kept (one of an earlier
      // release, or its worker died before the slice's checkpoint): why is found again.
      if (this.stopping === null && meta.stopped === '1') await this.explainStop();
      const counting = await this.lookAtJobs(meta);
      if (counting !== null && this.arrivals.overdue(clock(), counting)) {
        const message = await this.describeMissing();
        if (message !== null) this.stop('error', message);
      }
      if (this.stopping && !this.stopSent) {
        // A server Redis lost since it was read is written back with the stop (writeBack).
        await this.server.stop().catch((error: unknown) => {
          if (!(error instanceof ServerLostError)) throw error;
        });
        this.stopSent = true;
      }
      // A replica no worker had taken when the stop was sent makes no steps, and one whose job failed
      // for good makes no more: the run does not wait for them.
      const allDone = Array.from({ length: p }, (_, i) => meta[`finished:${i}`] === '1' || (stopSentBefore && !this.arrivals.reachedWorker(i)) || this.failedReplicas.has(i)).every(Boolean);
      if (allDone) {
        await this.read();
        this.completed = this.stepsOf(this.state.meta[0]);
        await this.end(this.broken);
        return;
      }
      if (!this.stopping && this.watch.due(this.completed)) {
        await this.read();
        const step = this.stepsOf(this.state.meta[0]);
        this.completed = step;
        const stop = this.watch.observe(step, this.params, this.records);
        if (stop !== null && stop !== 'max_steps') this.stop(stop, null);
        continue;
      }
      if (clock() >= deadline) break;
      await pause(pollMs);
    }
    // The slice's checkpoint holds the server as of now, at its step count.
    await this.read();
    this.completed = this.stepsOf(this.state.meta[0]);
    await this.server.expire(serverLifetimeSeconds);
  }

  /**
   * Why an earlier coordinator stopped the run, when its checkpoint (of a release that did not
   * keep why) says only that it did, or was written before the stop (the coordinator's worker
   * died in between) and the server says it was sent. A time limit past and a divergence reported
   * are found as ever (settle); else the run's cancel flag, else the stop rule its last record
   * meets; else the run ends saying it does not know, rather than as if it had made all its steps.
   */
  private async explainStop(): Promise<void> {
    const olderCheckpoint = this.olderCheckpointStop;
    if ((await this.options.redis.exists(cancelFlagKey(this.options.queuePrefix, this.options.runId))) === 1) return this.stop('cancelled', null);
    const rule = this.watch.standingRule();
    if (rule !== null) return this.stop(rule, null);
    const why = olderCheckpoint ? 'its checkpoint, written by an earlier release, does not say why' : 'its worker stopped before a checkpoint said why';
    this.stop('error', `An earlier coordinator of the run stopped it by step ${this.completed}; ${why}. The run ended with the steps its replicas had made.`);
  }

  /**
   * Starts the clock once a replica has begun, not while the jobs wait for a worker or start: at
   * the moment the first replica registered (Redis's clock, so the worker's and the coordinator's
   * clocks need not agree), however long before this poll that was. A server whose replicas
   * registered before it kept that moment counts from this poll.
   */
  private async clockStart(meta: Record<string, string>): Promise<void> {
    const registered = Object.keys(meta).some((field) => field.startsWith('worker:'));
    if (meta.began === undefined && !registered) return;
    const now = await this.server.now();
    const at = this.options.clock();
    const began = meta.began !== undefined ? Math.max(Number(meta.began), this.openedAt) : now;
    this.startedAt = at - Math.max(0, now - began);
  }

  private stepsOf(meta: Record<string, string>): number {
    return Array.from({ length: this.settings.replicas }, (_, i) => Number(meta[`steps:${i}`] ?? 0)).reduce((a, b) => a + b, 0);
  }

  private async end(broken: number): Promise<void> {
    const meta = this.state.meta[0];
    const staleness = new StalenessHistogram();
    for (const [field, count] of Object.entries(meta)) if (field.startsWith('st:')) staleness.recordMany(Number(field.slice(3)), Number(count));
    const perReplica = Array.from({ length: this.settings.replicas }, (_, replica) => ({
      replica,
      steps: Number(meta[`steps:${replica}`] ?? 0),
      exchanges: Number(meta[`seq:${replica}`] ?? 0),
      centerDistance: meta[`distance:${replica}`] !== undefined ? Number(meta[`distance:${replica}`]) : null,
      worker: meta[`worker:${replica}`] ?? null,
    }));
    const report = parallelReport({ algorithm: this.settings.algorithm, execution: 'concurrent', elapsedMilliseconds: this.elapsedMilliseconds() }, perReplica, staleness);
    this.finished = this.watch.finish(
      this.records,
      { completed: this.completed, params: this.params, stopping: this.stopping, brokenIndex: broken, limitSeconds: this.size.limitSeconds },
      this.variables,
      report,
    );
    await this.server.remove();
    await removeHeartbeats(this.options.redis, this.options.queuePrefix, this.options.runId, this.settings.replicas);
    if (this.queue) await removeReplicaJobs(this.queue, this.options.runId, this.arrivals.missing());
  }

  advance(): StepRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }

  checkpoint(): RunCheckpoint {
    // A diverged run's server holds values JSON has not: kept aside, so that a resume ends it diverged too.
    const params = splitNonFinite(this.params);
    const vectors = this.state.vectors.map((vector) => splitNonFinite(vector));
    return {
      version: 1,
      step: this.completed,
      elapsedMilliseconds: this.elapsedMilliseconds(),
      params: params.finite,
      concurrent: {
        algorithm: this.settings.algorithm as ServerAlgorithm,
        server: {
          vectors: vectors.map(({ finite }) => finite),
          meta: this.state.meta.map((meta) => ({ ...meta })),
          ...(vectors.some(({ nonFinite }) => nonFinite) ? { nonFinite: vectors.map(({ nonFinite }) => nonFinite ?? {}) } : {}),
        },
        // Why it stops, once the stop was sent: a resume in the middle of it ends as the run would have (run-stopping.ts).
        ...this.stoppingState(this.completed, this.broken),
        ...(params.nonFinite ? { nonFinite: params.nonFinite } : {}),
        // Only when some was counted: a worker of an earlier release refuses a checkpoint with fields it does not know.
        // (What is counted of begun replicas is in the server's accounting, `meta`, which every release reads.)
        ...(this.arrivals.waited > 0 ? { replicasWaitedMs: this.arrivals.waited } : {}),
      },
      objective: null,
      bestObjective: null,
      ...this.watch.getState(),
    };
  }

  /** Resumes from `input`, with the stop an earlier coordinator sent and the time it had counted against its bounds. */
  private restore(input: RunCheckpoint): void {
    const checkpoint = runCheckpointSchema.parse(input);
    if (!('concurrent' in checkpoint) || checkpoint.concurrent.algorithm !== this.settings.algorithm || !('server' in checkpoint.concurrent)) {
      throw new Error(`The checkpoint is not of a concurrent ${this.settings.algorithm} run.`);
    }
    if (checkpoint.params.length !== this.params.length) {
      throw new Error(`The checkpoint has ${checkpoint.params.length} parameters; the objective has ${this.params.length}.`);
    }
    const { server, stop, stopping, nonFinite } = checkpoint.concurrent;
    if (server.nonFinite !== undefined && server.nonFinite.length !== server.vectors.length) {
      throw new Error(`The checkpoint keeps entries not finite of ${server.nonFinite.length} vectors; its server has ${server.vectors.length}.`);
    }
    server.vectors.forEach((vector, i) => joinNonFinite(vector, server.nonFinite?.[i]));
    this.state = { vectors: server.vectors, meta: server.meta };
    this.params.set(checkpoint.params);
    joinNonFinite(this.params, nonFinite);
    this.completed = this.stepsOf(this.state.meta[0]);
    this.elapsedBefore = checkpoint.elapsedMilliseconds;
    this.arrivals = new ReplicaArrivals(this.settings.replicas, this.arrivals.boundMs, checkpoint.concurrent.replicasWaitedMs ?? 0);
    this.watch.setState(checkpoint, checkpoint.step, this.params);
    // A stop sent before the hand-over stays: why (run-stopping.ts) here, the server (Redis's, or
    // this state written back) saying it was sent (settle). A checkpoint of an earlier release
    // kept its reason and message alone (`stop`), or, older still, only that the stop was sent
    // (the server's): why is then found again (explainStop).
    if (stopping) {
      this.resumeStopping(stopping);
      this.broken = stopping.diverged;
    } else if (stop) this.stopping = stop;
    else this.olderCheckpointStop = this.state.meta[0].stopped === '1';
  }

  async close(): Promise<void> {
    await this.queue?.close();
    this.queue = null;
  }
}
