/**
 * A simulated parallel run (PRODUCT: "Simulated execution, exactly"): p replicas interleaved
 * deterministically in one process. At tick k replica (k − 1) mod p makes one local step,
 * around which its algorithm exchanges with the center or server (protocol.ts). The run
 * records, validates and returns the center (easgd), the server (downpour, adaptive-revision) or
 * the shared θ (hogwild); `loss` is the ticking replica's mini-batch loss before its step.
 */
import { copyToVector } from '../kernels/index.ts';
import { distance } from '../vec.ts';
import type { DataObjective, Objective } from '../objectives/objective.ts';
import type { ParallelTrainerState, TrainerState } from '../training/checkpoint.ts';
import { describeDivergence, finiteGradientNorm } from '../training/divergence.ts';
import type { Monitor } from '../training/early-stopping.ts';
import type { RunConfig } from '../training/run-config.ts';
import { ticksPerEpoch } from '../training/data-batches.ts';
import type { Trainer } from '../training/trainer.ts';
import { DataShard } from './data-shard.ts';
import type { Protocol } from './protocol.ts';
import { parallelReport, StalenessHistogram, type ParallelReport } from './report.ts';
import { parallelAlgorithms } from './registry.ts';
import { Replica } from './replica.ts';
import type { ResolvedParallelSettings } from './settings.ts';

export class ParallelTrainer implements Trainer {
  /** x̃, w or θ. */
  readonly params: Float64Array;
  readonly ticksPerEpoch: number;
  readonly replicas: readonly Replica[];
  loss = NaN;
  gradNorm = 0;
  epoch = 0;
  private readonly protocol: Protocol;
  private readonly staleness = new StalenessHistogram();
  private ticking: Replica;
  private tick = 0;

  constructor(
    objective: Objective,
    dataObjective: DataObjective | null,
    config: RunConfig,
    private readonly settings: ResolvedParallelSettings,
    totalSteps: (ticksPerEpoch: number) => number,
  ) {
    const p = settings.replicas;
    if (dataObjective && dataObjective.trainingRows < p) {
      throw new Error(`${p} replicas need at least ${p} training rows; the data has ${dataObjective.trainingRows}.`);
    }
    this.params = copyToVector(objective.initial);
    this.protocol = parallelAlgorithms[settings.algorithm].simulate({ center: this.params, settings, optimizer: config.optimizer, staleness: this.staleness });
    const shards = Array.from({ length: p }, (_, i) => (dataObjective ? new DataShard(dataObjective, i, p) : null));
    this.ticksPerEpoch = ticksPerEpoch(dataObjective?.trainingRows ?? null, config.training.batchSize, p);
    const ticks = totalSteps(this.ticksPerEpoch);
    const validating = dataObjective !== null && dataObjective.validationRows > 0;
    this.replicas = shards.map(
      (shard, i) =>
        new Replica(i, objective, shard, config, {
          ownParams: this.protocol.ownParams,
          totalSteps: this.protocol.countsTicks ? ticks : Math.ceil(ticks / p),
          validating,
        }),
    );
    this.ticking = this.replicas[0];
  }

  get learningRate(): number {
    return this.ticking.local.learningRate;
  }

  evaluate(t: number): string | null {
    const replica = this.replicas[(t - 1) % this.replicas.length];
    this.ticking = replica;
    const point = this.protocol.prepare(replica, t);
    this.epoch = replica.nextBatch(point);
    const local = replica.local;
    local.begin(this.protocol.countsTicks ? t : replica.steps + 1);
    const loss = local.evaluate(replica.objective, point);
    const gradNorm = finiteGradientNorm(loss, local.gradient);
    if (gradNorm === null) return describeDivergence(replica.objective.variables, point, local.gradient, t, loss);
    this.loss = loss;
    this.gradNorm = gradNorm;
    return null;
  }

  /** The loss goes to the ticking replica's schedule; a validation loss (of the center) to every replica's. */
  observe(monitor: Monitor, value: number): void {
    if (monitor === 'loss') this.ticking.local.observe(monitor, value);
    else for (const replica of this.replicas) replica.local.observe(monitor, value);
  }

  apply(t: number): void {
    this.protocol.update(this.ticking, t);
    this.ticking.steps++;
    this.tick = t;
  }

  finish(): boolean {
    return this.protocol.finish(this.replicas, this.tick);
  }

  report(elapsedMilliseconds: number | null): ParallelReport {
    const perReplica = this.replicas.map((replica) => ({
      replica: replica.index,
      steps: replica.steps,
      exchanges: replica.exchanges,
      centerDistance: replica.params ? distance(replica.params, this.params) : null,
    }));
    return parallelReport({ algorithm: this.settings.algorithm, execution: this.settings.execution, elapsedMilliseconds }, perReplica, this.staleness);
  }

  getState(): ParallelTrainerState {
    return {
      params: Array.from(this.params),
      parallel: {
        algorithm: this.settings.algorithm,
        replicas: this.replicas.map((replica) => ({
          steps: replica.steps,
          exchanges: replica.exchanges,
          params: replica.params ? Array.from(replica.params) : null,
          ...replica.local.getState(),
          data: replica.data ? (replica.data.getState() as ParallelTrainerState['parallel']['replicas'][number]['data']) : null,
        })),
        protocol: this.protocol.getState(),
        staleness: this.staleness.getState(),
      },
    };
  }

  setState(input: TrainerState, step: number): void {
    if (!('parallel' in input)) throw new Error('The checkpoint is of a run without replicas; this run is parallel.');
    const { parallel } = input;
    if (parallel.algorithm !== this.settings.algorithm || parallel.replicas.length !== this.replicas.length) {
      throw new Error(`The checkpoint is of ${parallel.replicas.length} ${parallel.algorithm} replicas; this run has ${this.replicas.length} ${this.settings.algorithm} replicas.`);
    }
    if (input.params.length !== this.params.length) {
      throw new Error(`The checkpoint has ${input.params.length} parameters; the objective has ${this.params.length}.`);
    }
    this.params.set(input.params);
    parallel.replicas.forEach((saved, i) => {
      const replica = this.replicas[i];
      replica.steps = saved.steps;
      replica.exchanges = saved.exchanges;
      if (replica.params && saved.params) replica.params.set(saved.params);
      replica.local.setState(saved, this.protocol.countsTicks ? step : saved.steps);
      if (replica.data && saved.data) replica.data.setState(saved.data);
    });
    this.protocol.setState(parallel.protocol, this.replicas, step);
    this.staleness.setState(parallel.staleness ?? []);
    this.tick = step;
    const last = step > 0 ? this.replicas[(step - 1) % this.replicas.length] : this.replicas[0];
    this.ticking = last;
    this.epoch = last.data && step > 0 ? last.data.epoch : last.steps;
  }
}
