/**
 * The paper-shaped comparisons of the simulated algorithms. They are deterministic (seeded,
 * simulated ticks), so each table is the same on every machine:
 *
 * - EASGD against Downpour over (τ, η) with momentum as the local step (Zhang et al.'s EAMSGD vs
 *   Downpour's MSGD): the center's final validation loss, or "diverged".
 * - AdaptiveRevision against plain asynchronous AdaGrad (the same delayed gradients applied
 *   without revision) as the delay D grows: the final training loss of the server.
 */
import { runSpecSchema, type RunSpecInput } from '../../src/contracts/run-spec.ts';
import { createObjective, objectiveSpecSchema, type DataObjective } from '../../src/core/objectives/index.ts';
import { DataShard } from '../../src/core/parallel/data-shard.ts';
import { DataBatches } from '../../src/core/training/data-batches.ts';
import { iterateRun } from '../../src/core/training/index.ts';
import { printTable } from '../support/measure.ts';

/** A loss to print, or "diverged". */
const show = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) || value > 1e6 ? 'diverged' : value.toFixed(4));

export function elasticAgainstDownpour(): void {
  const replicas = 8;
  const base = {
    objective: { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 4000, seed: 3 }, validationSplit: 0.2 },
    training: { maxSteps: 4000, batchSize: 16, seed: 1 },
    record: { every: 4000 },
  } as const;
  const periods = [1, 4, 16, 64];
  const rates = [0.001, 0.003, 0.01, 0.03, 0.1];
  const rows: string[][] = [];
  for (const communicationPeriod of periods) {
    for (const learningRate of rates) {
      const cells = [String(communicationPeriod), String(learningRate)];
      for (const algorithm of ['downpour', 'easgd'] as const) {
        const spec: RunSpecInput = {
          ...base,
          optimizer: { name: 'momentum', learningRate, momentum: 0.9 },
          parallel: { algorithm, replicas, execution: 'simulated', communicationPeriod },
        };
        const run = iterateRun(runSpecSchema.parse(spec));
        const records = [...run];
        cells.push(run.result!.stopReason === 'diverged' ? 'diverged' : show(records.at(-1)?.valLoss));
      }
      rows.push(cells);
    }
  }
  printTable(
    `EASGD (α = 0.9/p) against Downpour: ${replicas} replicas, momentum 0.9 local steps, 4,000 ticks, linear regression; the center's validation loss`,
    ['τ', 'η', 'Downpour', 'EASGD'],
    rows,
  );
}

/** Plain asynchronous AdaGrad with ε outside the root: the gradient read at tick k is applied at tick k + D, unrevised. */
function asyncAdagrad(objective: DataObjective, replicas: number, batchSize: number, seed: number, ticks: number, delay: number, alpha: number, beta: number): Float64Array {
  const w = Float64Array.from(objective.initial);
  const squared = new Float64Array(w.length);
  const shards = Array.from({ length: replicas }, (_, i) => new DataShard(objective, i, replicas));
  const batches = shards.map((shard, i) => new DataBatches(shard, batchSize, true, seed + i));
  const queue: Float64Array[] = [];
  const apply = (g: Float64Array) => {
    for (let j = 0; j < w.length; j++) {
      squared[j] += g[j] * g[j];
      w[j] -= (alpha * g[j]) / (beta + Math.sqrt(squared[j]));
    }
  };
  for (let k = 1; k <= ticks; k++) {
    const i = (k - 1) % replicas;
    batches[i].next(w);
    const g = new Float64Array(w.length);
    objective.valueAndGradient(w, g);
    queue.push(g);
    if (queue.length > delay) apply(queue.shift()!);
  }
  while (queue.length > 0) apply(queue.shift()!);
  return w;
}

export function revisionAgainstAsyncAdagrad(): void {
  const replicas = 4;
  const ticks = 6000;
  const batchSize = 10;
  const seed = 2;
  const alphas = [0.5, 2];
  const beta = 1e-8;
  const objectiveInput = { type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows: 5000, columns: 2000, seed: 7 } } as const;
  const objectiveSpec = objectiveSpecSchema.parse(objectiveInput);
  const whole = createObjective(objectiveSpec) as DataObjective;
  const trainingLoss = (params: ArrayLike<number>) => {
    const objective = whole;
    objective.selectBatch(null, objective.trainingRows);
    return objective.value(Float64Array.from(params));
  };
  const rows: string[][] = [];
  for (const delay of [0, 1, 10, 100, 1000]) {
    const cells = [String(delay)];
    for (const alpha of alphas) {
    const revision = iterateRun(runSpecSchema.parse({
      objective: objectiveInput,
      optimizer: { name: 'adagrad', flavor: 'pytorch', learningRate: alpha, epsilon: beta },
      training: { maxSteps: ticks, batchSize, seed },
      record: { every: ticks },
      parallel: { algorithm: 'adaptive-revision', replicas, execution: 'simulated', delay },
    })).runToEnd();
    const plain = asyncAdagrad(createObjective(objectiveSpec) as DataObjective, replicas, batchSize, seed, ticks, delay, alpha, beta);
    cells.push(show(trainingLoss(plain)), show(trainingLoss(revision.params)));
    }
    rows.push(cells);
  }
  printTable(
    `AdaptiveRevision against plain asynchronous AdaGrad: ${replicas} replicas, ${ticks} ticks, sparse-text logistic regression (5,000 × 2,000); the final training loss`,
    ['delay D', ...alphas.flatMap((alpha) => [`async AdaGrad α=${alpha}`, `AdaptiveRevision α=${alpha}`])],
    rows,
  );
}
