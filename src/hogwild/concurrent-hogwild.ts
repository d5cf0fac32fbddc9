/**
 * A concurrent hogwild run: p worker threads update one parameter vector in a SharedArrayBuffer
 * without locks (thread.ts), while this coordinator, on the caller's thread, watches it and does
 * everything the run engine does around ticks with the same pieces (stop rules, early stopping,
 * best parameters, time budget, checkpoints): it is driven like the core's loop
 * (`advance({ deadline })` in slices), so the worker and `descent run` drive it unchanged.
 *
 * Metrics are the shared θ's: at each recorded step (the first completed tick count seen at or
 * past a multiple of `record.every`) the coordinator copies θ and evaluates the loss and gradient
 * on a fixed sample of at most `sampleRows` training rows, and the validation set at
 * `validationEvery`; `updateNorm` is θ's change since the previous record. Threads keep working
 * between slices. Unlike a simulated run, a concurrent one is not reproducible bit for bit
 * (the interleaving is the machine's): a checkpoint keeps θ and the ticks done, and a resumed
 * run deals each replica a fresh epoch order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { materializeDataset, splitDataset, defaultSplitSeed } from '../core/datasets/index.ts';
import { createObjective, isDataObjective, type DataObjective, type Objective, type ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { Random } from '../core/random.ts';
import { createSchedule, type Schedule } from '../core/schedules/index.ts';
import { BestParams } from '../core/training/best-params.ts';
import { runCheckpointSchema, type RunCheckpoint } from '../core/training/checkpoint.ts';
import { describeBrokenParameter } from '../core/training/divergence.ts';
import { BestTracker, type EarlyStoppingView, type Monitor } from '../core/training/early-stopping.ts';
import { baseLearningRate } from '../core/training/local-step.ts';
import { recordEvery, recordParams } from '../core/training/record-settings.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import { totalTicks, type AdvanceLimits, type RunLoop } from '../core/training/run-engine.ts';
import type { RunProgress, RunResult, StopReason } from '../core/training/index.ts';
import { describeEnding } from '../core/training/run-result.ts';
import type { StepRecord } from '../core/training/step-record.ts';
import { StopRules } from '../core/training/stop-rules.ts';
import { distance, norm } from '../core/vec.ts';
import { control, createControl } from './control.ts';
import { toSharedDataset } from './shared-data.ts';
import { createThreadStats, readThreadStats, restoreThreadStats } from './thread-stats.ts';
import { parallelReport } from '../core/parallel/report.ts';
import type { ThreadData } from './thread.ts';

/** Training rows the recorded loss is computed on, at most (a seeded sample, the same at every record). */
export const sampleRows = 4096;

export interface ConcurrentHogwildOptions {
  readonly clock: () => number;
  readonly checkpoint?: RunCheckpoint;
  /** The benchmark's peer: every update holds one mutex. */
  readonly locking?: boolean;
  /** Most threads this machine may run (default: its available parallelism). */
  readonly maximumThreads?: number;
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

export class ConcurrentHogwildRun implements RunLoop {
  readonly variables: readonly string[];
  readonly totalSteps: number;
  private readonly objective: Objective;
  private readonly dataObjective: DataObjective | null;
  private readonly threadObjective: ResolvedObjectiveSpec;
  private readonly theta: Float64Array;
  private readonly words = createControl();
  private readonly stats: Int32Array;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  private readonly snapshot: Float64Array;
  private readonly previous: Float64Array;
  private readonly gradient: Float64Array;
  private readonly sample: Int32Array | null;
  private readonly schedule: Schedule;
  private readonly tracker: BestTracker;
  private readonly best: BestParams | null;
  private readonly stopRules: StopRules;
  private readonly every: number;
  private readonly validationEvery: number;
  private readonly withParams: boolean;
  private readonly validating: boolean;
  private readonly ticksPerEpoch: number;
  private readonly limitMilliseconds: number;
  private readonly threads: Worker[] = [];
  private exited = 0;
  private threadError = '';
  private started = false;
  private startedAt = 0;
  private elapsedBefore = 0;
  private step = 0;
  private lastRecordedStep = 0;
  private lastValidationStep = 0;
  private lastLoss: number | null = null;
  private lastGradNorm = 0;
  private valLoss = NaN;
  private valAccuracy = NaN;
  /** Why the run is ending, once the threads have been told to stop. */
  private stopping: { reason: StopReason; message: string | null } | null = null;
  private cancelRequested = false;
  private finished: RunResult | null = null;

  constructor(
    private readonly config: RunConfig,
    objectiveSpec: ResolvedObjectiveSpec,
    private readonly options: ConcurrentHogwildOptions,
  ) {
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
    if (this.dataObjective && this.dataObjective.trainingRows < p) {
      throw new Error(`${p} replicas need at least ${p} training rows; the data has ${this.dataObjective.trainingRows}.`);
    }
    const dimension = coordinator.dimension;
    this.variables = coordinator.variables;
    this.theta = new Float64Array(new SharedArrayBuffer(dimension * Float64Array.BYTES_PER_ELEMENT));
    this.theta.set(coordinator.initial);
    this.snapshot = Float64Array.from(coordinator.initial);
    this.previous = Float64Array.from(coordinator.initial);
    this.gradient = new Float64Array(dimension);
    const training = config.training;
    const shardRows = this.dataObjective ? Math.ceil(this.dataObjective.trainingRows / p) : 0;
    this.ticksPerEpoch = p * (this.dataObjective ? Math.ceil(shardRows / Math.min(training.batchSize ?? shardRows, shardRows)) : 1);
    this.totalSteps = totalTicks(config, this.ticksPerEpoch);
    const epochLimited = training.epochs !== undefined && training.epochs * this.ticksPerEpoch < training.maxSteps;
    this.stopRules = new StopRules(config.stopWhen, this.totalSteps, epochLimited ? training.epochs! : null);
    this.limitMilliseconds = training.timeLimitSeconds !== undefined ? training.timeLimitSeconds * 1000 : Infinity;
    this.schedule = createSchedule(config.schedule, { baseLearningRate: baseLearningRate(config.optimizer), totalSteps: this.totalSteps });
    this.every = recordEvery(config.record, training.maxSteps);
    this.withParams = recordParams(config.record, dimension);
    this.validating = this.dataObjective !== null && this.dataObjective.validationRows > 0;
    this.validationEvery = training.validationEvery ?? this.every;
    this.sample = this.dataObjective ? sampleOf(this.dataObjective.trainingRows, training.seed) : null;
    const early = config.earlyStopping;
    const monitor: Monitor = early?.monitor === 'valLoss' && this.validating ? 'valLoss' : 'loss';
    this.tracker = new BestTracker(early !== undefined, monitor, early?.patience ?? 0, early?.minDelta ?? 0);
    this.best = early?.restoreBest ? new BestParams(dimension, this.dataObjective) : null;
    if (options.checkpoint) this.restore(options.checkpoint);
  }

  get done(): boolean {
    return this.finished !== null;
  }

  get result(): RunResult | null {
    return this.finished;
  }

  /** As of the last `advance`: the ticks completed then (what checkpoints and the worker's slices count). */
  get progress(): RunProgress {
    const step = this.step;
    return { step, totalSteps: this.totalSteps, epoch: Math.ceil(step / this.ticksPerEpoch), fraction: this.totalSteps > 0 ? step / this.totalSteps : 1 };
  }

  get earlyStopping(): EarlyStoppingView {
    return this.tracker.view();
  }

  get currentParams(): number[] {
    return Array.from(this.theta);
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  private start(): void {
    this.started = true;
    this.startedAt = this.options.clock();
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
        locking: this.options.locking ?? false,
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

  private elapsedMilliseconds(): number {
    return this.elapsedBefore + (this.started ? this.options.clock() - this.startedAt : 0);
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
    if (!this.started) this.start();
    const clock = this.options.clock;
    const deadline = limits.deadline ?? Infinity;
    const stepLimit = limits.maxSteps !== undefined ? this.step + limits.maxSteps : Infinity;
    for (;;) {
      if (this.cancelRequested) this.stop('cancelled', null);
      if (Atomics.load(this.words, control.failed) !== 0) this.stop('error', `A hogwild thread failed: ${this.threadError || 'it exited'}`);
      const broken = Atomics.load(this.words, control.diverged);
      if (broken !== 0) this.stop('diverged', null);
      if (this.elapsedMilliseconds() >= this.limitMilliseconds) this.stop('time_limit', null);
      const completed = Atomics.load(this.words, control.completed);
      if (this.stopping) {
        if (!this.threadsIdle()) {
          if (clock() >= deadline) break;
          Atomics.wait(this.pause, 0, 0, 1);
          continue;
        }
        this.finish(records, Atomics.load(this.words, control.completed));
        break;
      }
      if (this.threadsIdle() && completed >= this.totalSteps) {
        this.finish(records, completed);
        break;
      }
      if (completed > this.lastRecordedStep && (completed >= this.lastRecordedStep + this.every - (this.lastRecordedStep % this.every) || completed >= this.totalSteps)) {
        const stop = this.observe(completed, records);
        if (stop !== null && stop !== 'max_steps') this.stop(stop, null);
        continue;
      }
      if (clock() >= deadline || completed >= stepLimit) {
        this.step = Math.max(this.step, completed);
        break;
      }
      Atomics.wait(this.pause, 0, 0, 1);
    }
    return records;
  }

  /** Records tick `step` at a copy of θ; returns the stop rule it triggers, if any. */
  private observe(step: number, records: StepRecord[]): StopReason | null {
    this.previous.set(this.snapshot);
    this.snapshot.set(this.theta);
    this.step = step;
    const objective = this.objective;
    if (this.sample) this.dataObjective!.selectBatch(this.sample, this.sample.length);
    const loss = objective.valueAndGradient(this.snapshot, this.gradient);
    this.lastLoss = loss;
    this.lastGradNorm = norm(this.gradient);
    if (this.tracker.monitor === 'loss' && this.tracker.observe(step, loss) && this.best) this.best.remember(this.snapshot);
    if (this.validating && (step >= this.lastValidationStep + this.validationEvery || step >= this.totalSteps)) this.validate(step);
    records.push(this.makeRecord());
    return this.stopRules.after(step, loss, this.lastGradNorm, this.tracker);
  }

  private validate(step: number): void {
    const objective = this.dataObjective!;
    this.valLoss = objective.validationLoss(this.snapshot);
    this.valAccuracy = objective.validationAccuracy ? objective.validationAccuracy(this.snapshot) : NaN;
    this.lastValidationStep = step;
    if (this.tracker.monitor === 'valLoss' && this.tracker.observe(step, this.valLoss) && this.best) this.best.remember(this.snapshot);
  }

  private makeRecord(): StepRecord {
    const step = this.step;
    const record: StepRecord = {
      step,
      loss: this.lastLoss!,
      gradNorm: this.lastGradNorm,
      learningRate: this.schedule.learningRate(step),
      updateNorm: distance(this.snapshot, this.previous),
      epoch: Math.ceil(step / this.ticksPerEpoch),
    };
    if (this.lastValidationStep === step) {
      record.valLoss = this.valLoss;
      if (!Number.isNaN(this.valAccuracy)) record.valAccuracy = this.valAccuracy;
    }
    if (this.withParams) record.params = Array.from(this.snapshot);
    this.lastRecordedStep = step;
    return record;
  }

  private finish(records: StepRecord[], completed: number): void {
    let reason = this.stopping?.reason ?? 'max_steps';
    let message = this.stopping?.message ?? null;
    if (completed > this.lastRecordedStep) {
      const stop = this.observe(completed, records);
      if (!this.stopping && stop !== null) reason = stop;
    } else {
      this.snapshot.set(this.theta);
    }
    const brokenIndex = Atomics.load(this.words, control.diverged);
    if (brokenIndex > 0 || this.snapshot.some((value) => !Number.isFinite(value))) {
      const index = brokenIndex > 0 ? brokenIndex - 1 : this.snapshot.findIndex((value) => !Number.isFinite(value));
      reason = 'diverged';
      message = describeBrokenParameter(this.variables, this.snapshot, index, this.step);
    } else if (brokenIndex < 0) {
      reason = 'diverged';
      message = `Diverged after step ${this.step}: a thread's loss was not finite.`;
    }
    this.tracker.stopped = reason === 'early_stopping';
    const params = Float64Array.from(this.snapshot);
    const restoredBest = this.best !== null && this.tracker.bestStep > 0;
    if (restoredBest) this.best!.restoreInto(params);
    this.finished = describeEnding({
      stopReason: reason,
      message: message ?? (reason === 'cancelled'
        ? `Cancelled at step ${this.step}.`
        : reason === 'time_limit'
          ? `Stopped at step ${this.step} by the time limit of ${this.limitMilliseconds / 1000} s.`
          : this.stopRules.describe(reason, { t: this.step, loss: this.lastLoss, gradNorm: this.lastGradNorm, tracker: this.tracker, divergence: '' })),
      steps: this.step,
      params,
      objective: this.objective,
      dataObjective: this.dataObjective,
      tracker: this.tracker,
      restoredBest,
      parallel: this.report(),
    });
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
    // θ and the tick count are read live (the threads keep going); `step` is the count the caller has seen.
    const ticks = Atomics.load(this.words, control.completed);
    return {
      version: 1,
      step: this.step,
      elapsedMilliseconds: this.elapsedMilliseconds(),
      params: Array.from(this.theta),
      concurrent: { algorithm: 'hogwild', ticks: Math.max(ticks, this.step), ...this.countersState() },
      objective: null,
      tracker: this.tracker.getState(),
      bestParams: this.best ? Array.from(this.best.params) : null,
      bestObjective: null,
      lastLoss: this.lastLoss,
      lastValidationStep: this.lastValidationStep,
    };
  }

  /** The threads' counters as a checkpoint keeps them (read live: a close approximation while they run). */
  private countersState() {
    const { steps, staleness } = readThreadStats(this.stats, this.config.parallel!.replicas);
    return { replicaSteps: steps, staleness: staleness.getState() };
  }

  private restore(input: RunCheckpoint): void {
    const checkpoint = runCheckpointSchema.parse(input);
    if (!('concurrent' in checkpoint)) throw new Error('The checkpoint is not of a concurrent hogwild run.');
    if (checkpoint.params.length !== this.theta.length) {
      throw new Error(`The checkpoint has ${checkpoint.params.length} parameters; the objective has ${this.theta.length}.`);
    }
    this.theta.set(checkpoint.params);
    this.snapshot.set(checkpoint.params);
    Atomics.store(this.words, control.claimed, checkpoint.concurrent.ticks);
    Atomics.store(this.words, control.completed, checkpoint.concurrent.ticks);
    const { replicaSteps, staleness } = checkpoint.concurrent;
    if (replicaSteps?.length === this.config.parallel!.replicas) restoreThreadStats(this.stats, replicaSteps, staleness ?? []);
    this.step = checkpoint.step;
    this.lastRecordedStep = checkpoint.step;
    this.elapsedBefore = checkpoint.elapsedMilliseconds;
    this.tracker.setState(checkpoint.tracker);
    if (this.best && checkpoint.bestParams) this.best.params.set(checkpoint.bestParams);
    this.lastLoss = checkpoint.lastLoss;
    this.lastValidationStep = checkpoint.lastValidationStep;
  }

  /** Ends the threads at once (the caller gives up on the run). */
  async close(): Promise<void> {
    Atomics.store(this.words, control.stop, 1);
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}

/** A seeded sample of at most `sampleRows` training rows, in row order. */
function sampleOf(rows: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  if (rows <= sampleRows) return order;
  new Random(seed + 0x200000000).shuffle(order);
  return order.subarray(0, sampleRows).sort();
}
