/**
 * A concurrent hogwild run: p worker threads update one parameter vector in a SharedArrayBuffer
 * without locks (thread.ts), while this coordinator, on the caller's thread, watches it and does
 * everything the run engine does around ticks with the same pieces (stop rules, early stopping,
 * best parameters, time budget, checkpoints): it is driven like the core's loop
 * (`advance({ deadline })` in slices), so the worker and `descent run` drive it unchanged.
 *
 * The recorded steps are those `record.every` names, as in a simulated run: the thread that makes
 * update t, a multiple of `record.every` or the last, measures it (its mini-batch's loss and
 * gradient norm at θ as it read it, η, its step's norm, θ after it when parameters are recorded,
 * validated or kept as the best)
 * and publishes it into a ring in shared memory (record-ring.ts); the coordinator takes the rings'
 * entries in step order whenever it looks, and a CenterWatch (../concurrent-runs/center-watch.ts)
 * makes them records, validates θ at the newest due one of each look, and keeps early stopping
 * and the stop rules. The last update's record carries the final θ and its validation. A run
 * stopped before its last update ends with the watch's own record of θ at the updates made.
 * Threads keep working between slices; a thread whose ring is full (a run recording more than its
 * rings hold, the coordinator that far behind) waits for the coordinator to take from it, so every
 * step record.every names has its row.
 *
 * A call that may return only so many rows (`maxSteps` / `record.every`: the worker cuts its
 * slices so to its rows quota) leaves the rest in the rings for the next call, also once the run
 * stops (cancelled, at its time limit, by a stop rule): it ends when every row of the updates made
 * is taken, however few rows each call may return, or at a call that may store the last row
 * alone (`lastRowOnly`: a run at its tenant's metric-rows quota, which drops the rows it has no
 * room for).
 * `progress.step`, and a checkpoint's step, never fall below a step already recorded nor reach one
 * still to be recorded.
 *
 * Unlike a simulated run, a concurrent one is not reproducible bit for bit (the interleaving is
 * the machine's): a checkpoint keeps θ, the ticks done and the records published up to them that
 * the coordinator had not taken yet (a resumed run takes them first), and a resumed run deals each
 * replica a fresh epoch order. A checkpoint of a run that is stopping keeps why (run-stopping.ts):
 * resumed, it starts no thread, takes the rows kept and ends as the run would have; θ that is not
 * finite (a divergence) is kept too (non-finite-entries.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { materializeDataset, splitDataset, defaultSplitSeed } from '../core/datasets/index.ts';
import { createObjective, isDataObjective, type DataObjective, type Objective, type ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { runCheckpointSchema, type RunCheckpoint } from '../core/training/checkpoint.ts';
import { joinNonFinite, splitNonFinite } from '../core/training/non-finite-entries.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import type { AdvanceLimits, RunLoop } from '../core/training/run-engine.ts';
import type { StopReason } from '../core/training/stop-reasons.ts';
import type { StepRecord } from '../core/training/step-record.ts';
import { slotsCarryMeasuredAt, slotsCarryParams } from '../core/training/record-ring-size.ts';
import { CenterWatch, type MeasuredStep } from '../concurrent-runs/center-watch.ts';
import { CoordinatedRun, runSize, type RunSize } from '../concurrent-runs/coordinated-run.ts';
import { control, createControl } from './control.ts';
import { toSharedDataset } from './shared-data.ts';
import type { HeldRecord, ThreadData } from './thread.ts';
import { createThreadStats, readThreadStats, restoreThreadStats, stepsWithin } from './thread-stats.ts';
import { createRecordRings, RecordReader, type RecordRings } from './record-ring.ts';
import { parallelReport } from '../core/parallel/report.ts';

export interface ConcurrentHogwildOptions {
  readonly clock: () => number;
  readonly checkpoint?: RunCheckpoint;
  /** The benchmark's peer: every update holds one mutex. */
  readonly locking?: boolean;
  /** Most threads this machine may run (default: its available parallelism). */
  readonly maximumThreads?: number;
  /** Holds back the thread that makes one recorded update, as a descheduled thread (thread.ts). */
  readonly hold?: HeldRecord;
}

/** The objective spec the threads build (its training rows in shared memory) and the coordinator's own objective. */
function shareObjective(spec: ResolvedObjectiveSpec): { threads: ResolvedObjectiveSpec; coordinator: Objective } {
  if (spec.type !== 'model') return { threads: spec, coordinator: createObjective(spec) };
  const { training, validation } = splitDataset(materializeDataset(spec.data), spec.validationSplit, spec.seed ?? defaultSplitSeed);
  const shared = toSharedDataset(training);
  const given = spec.validation !== undefined ? materializeDataset(spec.validation) : validation;
  const threads: ResolvedObjectiveSpec = { ...spec, data: shared, validationSplit: 0, validation: undefined };
  return { threads, coordinator: createObjective({ ...threads, ...(given ? { validation: given } : {}) }) };
}

/** The thread module, loaded through tsx when the sources run as TypeScript. */
function threadSource(): { code: string; eval: boolean } | { url: URL } {
  const url = new URL(import.meta.url.endsWith('.ts') ? './thread.ts' : './thread.js', import.meta.url);
  if (!url.pathname.endsWith('.ts')) return { url };
  const tsx = import.meta.resolve('tsx/esm/api');
  return { code: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`, eval: true };
}

export class ConcurrentHogwildRun extends CoordinatedRun implements RunLoop {
  readonly variables: readonly string[];
  private readonly objective: Objective;
  private readonly dataObjective: DataObjective | null;
  private readonly threadObjective: ResolvedObjectiveSpec;
  private readonly theta: Float64Array;
  private readonly words = createControl();
  private readonly stats: Int32Array;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  protected readonly watch: CenterWatch;
  protected readonly size: RunSize;
  private readonly rings: RecordRings;
  private readonly reader: RecordReader;
  private readonly measured: MeasuredStep = { loss: 0, gradNorm: 0, learningRate: 0, updateNorm: 0 };
  private readonly threads: Worker[] = [];
  private exited = 0;
  private threadError = '';
  private started = false;
  /** When the coordinator first saw the threads ready to compute (`go`): the run's time counts from there, not from their start-up. */
  private startedAt: number | null = null;
  private elapsedBefore = 0;
  private step = 0;

  constructor(
    private readonly config: RunConfig,
    objectiveSpec: ResolvedObjectiveSpec,
    private readonly options: ConcurrentHogwildOptions,
  ) {
    super();
    const settings = config.parallel!;
    const cores = options.maximumThreads ?? availableParallelism();
    if (settings.replicas > cores) {
      throw new Error(`Concurrent hogwild runs one thread per replica: ${settings.replicas} replicas need ${settings.replicas} cores, this machine has ${cores}.`);
    }
    const { threads, coordinator } = shareObjective(objectiveSpec);
    this.threadObjective = threads;
    this.objective = coordinator;
    this.dataObjective = isDataObjective(coordinator) ? coordinator : null;
    const p = settings.replicas;
    this.stats = createThreadStats(p);
    this.size = runSize(config, this.dataObjective, p);
    const dimension = coordinator.dimension;
    this.variables = coordinator.variables;
    this.theta = new Float64Array(new SharedArrayBuffer(dimension * Float64Array.BYTES_PER_ELEMENT));
    this.theta.set(coordinator.initial);
    this.watch = new CenterWatch(config, coordinator, this.dataObjective, this.size.totalSteps, this.size.ticksPerEpoch);
    const validating = (this.dataObjective?.validationRows ?? 0) > 0;
    this.rings = createRecordRings(p, this.size.totalSteps, this.watch.recordEvery, dimension, slotsCarryParams(config, dimension, validating), slotsCarryMeasuredAt(config, validating));
    this.reader = new RecordReader(this.rings, 0);
    if (options.checkpoint) this.restore(options.checkpoint);
  }

  protected stepCount(): number {
    return this.step;
  }

  protected shared(): Float64Array {
    return this.theta;
  }

  private start(): void {
    this.started = true;
    const p = this.config.parallel!.replicas;
    const source = threadSource();
    Atomics.store(this.words, control.running, p);
    const { optimizer, schedule, gradientNoise, clip, training } = this.config;
    for (let replica = 0; replica < p; replica++) {
      const workerData: ThreadData = {
        objective: this.threadObjective,
        settings: { optimizer, schedule, gradientNoise, clip },
        training,
        replica,
        replicas: p,
        totalTicks: this.totalSteps,
        params: this.theta,
        control: this.words,
        stats: this.stats,
        records: this.rings,
        locking: this.options.locking ?? false,
        hold: this.options.hold ?? null,
      };
      const thread = 'url' in source ? new Worker(source.url, { workerData }) : new Worker(source.code, { eval: true, workerData });
      thread.on('message', (message: { error?: string }) => {
        if (message.error && !this.threadError) this.threadError = message.error;
      });
      thread.on('error', (error) => {
        if (!this.threadError) this.threadError = error.message;
        Atomics.store(this.words, control.failed, 1);
        Atomics.store(this.words, control.stop, 1);
      });
      thread.on('exit', () => {
        this.exited++;
      });
      this.threads.push(thread);
    }
  }

  /**
   * Time the run has computed: from when its threads were all ready (`go`), not from their start
   * (building each thread's objective takes a while, a second or more), as a simulated run's
   * time counts from its first tick.
   */
  private elapsedMilliseconds(): number {
    if (this.startedAt === null) {
      if (!this.started || Atomics.load(this.words, control.go) === 0) return this.elapsedBefore;
      this.startedAt = this.options.clock();
    }
    return this.elapsedBefore + (this.options.clock() - this.startedAt);
  }

  private threadsIdle(): boolean {
    return Atomics.load(this.words, control.running) <= 0 || this.exited >= this.threads.length;
  }

  private stop(reason: StopReason, message: string | null): void {
    if (this.stopping) return;
    this.stopping = { reason, message };
    Atomics.store(this.words, control.stop, 1);
  }

  advance(limits: AdvanceLimits = {}): StepRecord[] {
    const records: StepRecord[] = [];
    if (this.finished) return records;
    // A run resumed while it was stopping starts no thread: it only takes the rows its checkpoint kept.
    if (!this.started && this.stopping === null) this.start();
    const clock = this.options.clock;
    const deadline = limits.deadline ?? Infinity;
    const stepLimit = limits.maxSteps !== undefined ? this.step + limits.maxSteps : Infinity;
    // The records maxSteps updates make, the last one included: the rows this call may return.
    const room = limits.maxSteps !== undefined ? Math.max(1, Math.ceil(limits.maxSteps / this.watch.recordEvery)) : Infinity;
    for (;;) {
      if (this.cancelRequested) this.stop('cancelled', null);
      if (Atomics.load(this.words, control.failed) !== 0) this.stop('error', `A hogwild thread failed: ${this.threadError || 'it exited'}`);
      const broken = Atomics.load(this.words, control.diverged);
      if (broken !== 0) this.stop('diverged', null);
      const completed = Atomics.load(this.words, control.completed);
      // The time limit stops threads still updating; once every update is made, the run completes with the records it can still take.
      if (completed < this.totalSteps && this.elapsedMilliseconds() >= this.size.limitMs) this.stop('time_limit', null);
      if (this.stopping) {
        if (this.threadsIdle()) {
          // Every row of the updates made is stored before the end: a call without room for them
          // leaves the rest, and the end, to the next. One that may store the last row alone (a
          // run at its tenant's metric-rows quota) ends now, without the rows it has no room for.
          if (!limits.lastRowOnly) this.takeRecords(records, room, completed);
          if (limits.lastRowOnly || (this.reader.floor >= this.totalSteps && records.length < room)) this.finish(records, room);
          break;
        }
        // One row stays free for the last.
        this.takeRecords(records, room - 1, completed);
        if (clock() >= deadline) break;
        Atomics.wait(this.pause, 0, 0, 1);
        continue;
      }
      if (this.threadsIdle() && completed >= this.totalSteps) {
        // Every other step's record before the last one's; a call without room for them leaves the end to the next.
        this.takeRecords(records, room, completed);
        if (this.reader.floor >= this.totalSteps && records.length < room) this.finish(records, room);
        break;
      }
      this.takeRecords(records, room, completed);
      if (clock() >= deadline || completed >= stepLimit || records.length >= room) break;
      Atomics.wait(this.pause, 0, 0, 1);
    }
    return records;
  }

  /**
   * Records the steps the threads published that can be taken in order, below the last (see
   * RecordReader.take), until `records` holds `room`; θ is validated at the newest due one.
   */
  private takeRecords(records: StepRecord[], room: number, completed: number): void {
    const reader = this.reader;
    const count = reader.take(room - records.length, this.totalSteps);
    for (let i = 0; i < count; i++) {
      const at = reader.taken[i];
      // The slots carry θ whenever the watch uses it (slotsCarryParams); without, θ is only copied as the watch's snapshot, unused.
      const stop = this.watch.take(reader.step(at), reader.measured(at, this.measured), reader.params(at) ?? this.theta, records, {
        validate: i === count - 1,
        observe: this.stopping === null,
      });
      if (stop !== null && stop !== 'max_steps') this.stop(stop, null);
    }
    reader.release();
    this.step = Math.max(this.step, reader.lastStep, Math.min(completed, reader.floor - 1));
  }

  /**
   * Ends the run: the steps still to record as `room` allows (one row kept for the last), then the
   * last update's record as its thread measured it with the final θ, or, when the threads stopped
   * before the last update, the watch's own record of θ at the updates made.
   */
  private finish(records: StepRecord[], room: number): void {
    const completed = Atomics.load(this.words, control.completed);
    this.takeRecords(records, room - 1, completed);
    const reader = this.reader;
    let last: { step: number; measured: MeasuredStep } | null = null;
    if (reader.take(1, Infinity) === 1 && reader.step(reader.taken[0]) >= this.totalSteps) {
      last = { step: this.totalSteps, measured: reader.measured(reader.taken[0], this.measured) };
    }
    reader.release();
    this.finished = this.watch.finish(
      records,
      { completed, params: this.theta, stopping: this.stopping, brokenIndex: Atomics.load(this.words, control.diverged), limitSeconds: this.size.limitSeconds, last },
      this.variables,
      this.report(),
    );
    this.step = this.watch.step;
  }

  /** Each thread's steps (every update writes θ: one exchange each) and the sampled staleness. */
  private report() {
    const settings = this.config.parallel!;
    const { steps, staleness } = readThreadStats(this.stats, settings.replicas);
    const perReplica = steps.map((count, replica) => ({ replica, steps: count, exchanges: count, centerDistance: null }));
    return parallelReport({ algorithm: 'hogwild', execution: 'concurrent', elapsedMilliseconds: this.elapsedMilliseconds() }, perReplica, staleness);
  }

  /** θ as the threads left it at some tick count (a concurrent run resumes from there, not bit for bit). */
  checkpoint(): RunCheckpoint {
    // θ is read live (the threads keep going); `step` is the count the caller has seen. The ticks
    // kept are those every record of which is published, and the records published up to them
    // but not yet taken go with them: a resumed run takes them first, then its threads' from there.
    const completed = Atomics.load(this.words, control.completed);
    const ticks = Math.max(this.step, Math.min(completed, this.reader.madeTicks()));
    // A stopping run resumed makes no update: every row published goes with it, also those above
    // `ticks` (a count: a tick the stop reached before its thread made it leaves a gap below them).
    const pending = this.reader.pending(this.stopping ? Infinity : ticks);
    // θ and the rows of a run that diverged hold values JSON has not: kept aside, so that a resume ends the run diverged too.
    const { finite, nonFinite } = splitNonFinite(this.theta);
    const rows = splitNonFinite(pending.values);
    return {
      version: 1,
      step: this.step,
      elapsedMilliseconds: this.elapsedMilliseconds(),
      params: finite,
      concurrent: {
        algorithm: 'hogwild',
        ticks,
        // A stopping run resumed ends at the updates completed (its stopping state keeps them): its threads' counts add up to those.
        ...this.countersState(this.stopping ? completed : ticks),
        ...(pending.values.length > 0 ? { pending: { fields: pending.fields, values: rows.finite, ...(rows.nonFinite ? { nonFinite: rows.nonFinite } : {}) } } : {}),
        ...this.stoppingState(completed, Atomics.load(this.words, control.diverged)),
        ...(nonFinite ? { nonFinite } : {}),
      },
      objective: null,
      bestObjective: null,
      ...this.watch.getState(),
    };
  }

  /** The threads' counters as a checkpoint keeps them, cut to `updates` (read live: a close approximation while they run). */
  private countersState(updates: number) {
    const { steps, staleness } = readThreadStats(this.stats, this.config.parallel!.replicas);
    return { replicaSteps: stepsWithin(steps, updates), staleness: staleness.getState() };
  }

  private restore(input: RunCheckpoint): void {
    const checkpoint = runCheckpointSchema.parse(input);
    if (!('concurrent' in checkpoint) || checkpoint.concurrent.algorithm !== 'hogwild') throw new Error('The checkpoint is not of a concurrent hogwild run.');
    if (checkpoint.params.length !== this.theta.length) {
      throw new Error(`The checkpoint has ${checkpoint.params.length} parameters; the objective has ${this.theta.length}.`);
    }
    this.theta.set(checkpoint.params);
    const { ticks, replicaSteps, staleness, pending, stopping, nonFinite } = checkpoint.concurrent;
    joinNonFinite(this.theta, nonFinite);
    Atomics.store(this.words, control.claimed, ticks);
    // A stopping run resumed starts no thread: it ends at the updates completed then, not at the
    // ticks every row of which was published (fewer when a thread had not seen the stop yet).
    Atomics.store(this.words, control.completed, stopping?.completed ?? ticks);
    if (replicaSteps?.length === this.config.parallel!.replicas) restoreThreadStats(this.stats, replicaSteps, staleness ?? []);
    this.step = checkpoint.step;
    this.reader.lastStep = checkpoint.step;
    if (pending && 'fields' in pending) {
      joinNonFinite(pending.values, pending.nonFinite);
      // A row's step is a count: one not finite (a corrupt checkpoint) would hold its ring back for good.
      for (let at = 0; at < pending.values.length; at += pending.fields) {
        if (!Number.isSafeInteger(pending.values[at])) throw new Error(`The checkpoint keeps a row at step ${pending.values[at]}.`);
      }
    }
    // A run that was stopping makes no more updates: no thread publishes, the rows kept are all there is.
    this.reader.resume(ticks, pending ?? [], stopping !== undefined);
    this.elapsedBefore = checkpoint.elapsedMilliseconds;
    this.watch.setState(checkpoint, checkpoint.step, this.theta);
    if (stopping) {
      this.resumeStopping(stopping);
      Atomics.store(this.words, control.stop, 1);
      Atomics.store(this.words, control.diverged, stopping.diverged);
    }
  }

  /** Ends the threads at once (the caller gives up on the run). */
  async close(): Promise<void> {
    Atomics.store(this.words, control.stop, 1);
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
