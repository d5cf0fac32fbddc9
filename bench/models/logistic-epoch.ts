/**
 * Samples per second of one epoch of mini-batch SGD (batch 64, seeded shuffle) on a 100,000 × 20
 * logistic regression, through the real run loop, against a plain hand-written JS loop doing the
 * same arithmetic (shuffle, per-batch loss and gradient, update) measured interleaved in the
 * same process. Target: the run loop at ≥ 0.7× the hand-written loop.
 */
import { Random } from '../../src/core/random.ts';
import type { Dataset } from '../../src/core/datasets/dataset.ts';
import { createModelObjective, type ResolvedModelObjectiveSpec } from '../../src/core/objectives/models/index.ts';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { iterateRun } from '../../src/core/training/index.ts';
import { formatRate, formatRatio, measureInterleaved, printTable } from '../support/measure.ts';

const rows = 100_000;
const columns = 20;
const batchSize = 64;
const learningRate = 0.05;

function syntheticLogistic(): Dataset {
  const random = new Random(42);
  const weights = Array.from({ length: columns }, () => random.normal());
  const values = new Float64Array(rows * columns);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let j = 0; j < columns; j++) z += weights[j] * (values[r * columns + j] = random.normal());
    targets[r] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const columnNames = Array.from({ length: columns }, (_, j) => `x${j + 1}`);
  return { rows, columns, features: { kind: 'dense', values }, targets, columnNames, targetName: 'y' };
}

export async function run(): Promise<void> {
  const dataset = syntheticLogistic();
  const objectiveSpec: ResolvedModelObjectiveSpec = { type: 'model', model: 'logistic', data: dataset, validationSplit: 0, l2: 0 };
  const runSpec = runSpecSchema.parse({
    objective: { id: 'bench' },
    optimizer: { name: 'sgd', learningRate },
    training: { epochs: 1, maxSteps: 1e9, batchSize, shuffle: true, seed: 1 },
    record: { every: 1e9, params: false },
  });

  function runLoopEpoch(): number {
    const objective = createModelObjective(objectiveSpec);
    const result = iterateRun(runSpec, { objective }).runToEnd();
    if (result.steps !== Math.ceil(rows / batchSize)) throw new Error(`expected one epoch, got ${result.steps} steps`);
    return rows;
  }

  /** The same epoch written out by hand: shuffle, then per batch the mean BCE gradient and θ ← θ − ηg. */
  function handWrittenEpoch(): number {
    const x = (dataset.features as { values: Float64Array }).values;
    const y = dataset.targets;
    const d = columns;
    const theta = new Float64Array(d + 1);
    const gradient = new Float64Array(d + 1);
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    new Random(1).shuffle(order);
    let loss = 0;
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      gradient.fill(0);
      let batchLoss = 0;
      for (let i = start; i < start + count; i++) {
        const r = order[i];
        let z = theta[d];
        for (let j = 0; j < d; j++) z += theta[j] * x[r * d + j];
        batchLoss += Math.max(z, 0) - z * y[r] + Math.log1p(Math.exp(-Math.abs(z)));
        const g = (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) - y[r];
        for (let j = 0; j < d; j++) gradient[j] += g * x[r * d + j];
        gradient[d] += g;
      }
      loss = batchLoss / count;
      for (let p = 0; p <= d; p++) theta[p] -= (learningRate * gradient[p]) / count;
    }
    if (!Number.isFinite(loss)) throw new Error('hand-written loop diverged');
    return rows;
  }

  const [loop, hand] = await measureInterleaved(
    [
      { name: 'run loop (iterateRun)', run: runLoopEpoch },
      { name: 'hand-written JS loop', run: handWrittenEpoch },
    ],
    { rounds: 15, warmupRounds: 3 },
  );
  printTable(
    `One epoch of mini-batch SGD (batch ${batchSize}) on a ${rows.toLocaleString('en')} × ${columns} logistic regression`,
    ['candidate', 'samples/s', 'vs hand-written'],
    [loop, hand].map((m) => [m.name, formatRate(m.unitsPerSecond), formatRatio(m.unitsPerSecond / hand.unitsPerSecond)]),
  );
  const ratio = loop.unitsPerSecond / hand.unitsPerSecond;
  console.log(`\nrun loop / hand-written = ${formatRatio(ratio)} (target ≥ 0.70×): ${ratio >= 0.7 ? 'met' : 'NOT met'}`);
}
