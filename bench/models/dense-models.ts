/**
 * The dense models on a dataset large enough to matter: 100,000 rows × 100 features, 10 classes.
 * An mlp (100 → 64 relu → 10, softmax cross-entropy) and softmax regression (100 → 10), trained
 * by mini-batch SGD (batch 64, seeded shuffle) through the run loop for a fixed number of
 * steps; samples per second of:
 *   (i)   Descent on the WebAssembly SIMD kernels (the default from 64 parameters on);
 *   (ii)  Descent on the JavaScript path (kernels off), interleaved with (i);
 *   (iii) torch (CPU, float64, one thread) doing the same arithmetic in its own process: the
 *         same layers and initial scheme, mean cross-entropy, plain SGD, batches of 64 rows
 *         gathered from a shuffled order, the loss computed every step.
 * Target: the SIMD path ahead of torch.
 */
import { Random } from '../../src/core/random.ts';
import type { Dataset } from '../../src/core/datasets/dataset.ts';
import { createModelObjective, type ResolvedModelObjectiveSpec } from '../../src/core/objectives/models/index.ts';
import type { DataObjective } from '../../src/core/objectives/objective.ts';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { iterateRun } from '../../src/core/training/index.ts';
import { kernelPolicy } from '../../src/core/kernels/index.ts';
import { formatRate, formatRatio, measureInterleaved, printTable, type Candidate } from '../support/measure.ts';
import { runTorchScript } from '../support/torch.ts';

const rows = 100_000;
const columns = 100;
const classes = 10;
const hidden = 64;
const batchSize = 64;
const steps = 200;
const learningRate = 0.05;

/** Features N(0, 1); the class is the arg max of a random linear map plus noise. */
function syntheticClasses(): Dataset {
  const random = new Random(7);
  const weights = Float64Array.from({ length: classes * columns }, () => random.normal());
  const values = new Float64Array(rows * columns);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < columns; j++) values[r * columns + j] = random.normal();
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = random.normal();
      for (let j = 0; j < columns; j++) score += weights[c * columns + j] * values[r * columns + j];
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    targets[r] = best;
  }
  const columnNames = Array.from({ length: columns }, (_, j) => `x${j + 1}`);
  return { rows, columns, features: { kind: 'dense', values }, targets, columnNames, targetName: 'y' };
}

const runSpec = runSpecSchema.parse({
  objective: { id: 'bench' },
  optimizer: { name: 'sgd', learningRate },
  training: { maxSteps: steps, batchSize, shuffle: true, seed: 1 },
  record: { every: 1e9, params: false },
});

/** `steps` SGD steps through the run loop, with the kernels on or off (objective built likewise). */
function candidate(name: string, spec: ResolvedModelObjectiveSpec, kernels: boolean): Candidate {
  const withPolicy = <T>(body: () => T): T => {
    kernelPolicy.enabled = kernels;
    try {
      return body();
    } finally {
      kernelPolicy.enabled = true;
    }
  };
  const objective: DataObjective = withPolicy(() => createModelObjective(spec));
  return {
    name: `${name}, ${kernels ? 'simd' : 'javascript'}`,
    run() {
      const result = withPolicy(() => iterateRun(runSpec, { objective }).runToEnd());
      if (result.steps !== steps || !Number.isFinite(result.finalLoss)) throw new Error(`${name} did not train: ${JSON.stringify(result.stopReason)}`);
      return steps * batchSize;
    },
  };
}

const torchScript = `
import json, statistics, sys, time
import torch
torch.set_num_threads(1)
torch.manual_seed(0)
rows, columns, classes, hidden, batch, steps, lr = json.loads(sys.argv[1])
x = torch.randn(rows, columns, dtype=torch.float64)
y = torch.randint(0, classes, (rows,))
models = {
    "mlp": lambda: torch.nn.Sequential(torch.nn.Linear(columns, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes)),
    "softmax": lambda: torch.nn.Linear(columns, classes),
}
result = {}
for name, make in models.items():
    model = make().double()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_function = torch.nn.CrossEntropyLoss()
    samples = []
    for round_ in range(10):
        order = torch.randperm(rows)
        start = time.perf_counter()
        for step in range(steps):
            rows_ = order[step * batch:(step + 1) * batch]
            optimizer.zero_grad()
            loss = loss_function(model(x[rows_]), y[rows_])
            loss.backward()
            optimizer.step()
            loss.item()
        if round_ >= 2:
            samples.append(steps * batch / (time.perf_counter() - start))
    result[name] = statistics.median(samples)
print(json.dumps({"version": torch.__version__, "samplesPerSecond": result}))
`;

export async function run(): Promise<void> {
  const data = syntheticClasses();
  const models: [string, ResolvedModelObjectiveSpec][] = [
    ['mlp', { type: 'model', model: 'mlp', data, validationSplit: 0, l2: 0, hidden: [hidden], activation: 'relu', seed: 3 }],
    ['softmax', { type: 'model', model: 'softmax', data, validationSplit: 0, l2: 0, classes }],
  ];
  const torch = runTorchScript<{ version: string; samplesPerSecond: Record<string, number> }>(torchScript, [
    JSON.stringify([rows, columns, classes, hidden, batchSize, steps, learningRate]),
  ]);
  const rowsOut: string[][] = [];
  for (const [name, spec] of models) {
    const [simd, javascript] = await measureInterleaved([candidate(name, spec, true), candidate(name, spec, false)], {
      rounds: 9,
      warmupRounds: 2,
    });
    const torchRate = 'unavailable' in torch ? NaN : torch.samplesPerSecond[name];
    rowsOut.push([
      name,
      formatRate(simd.unitsPerSecond),
      formatRate(javascript.unitsPerSecond),
      formatRatio(simd.unitsPerSecond / javascript.unitsPerSecond),
      Number.isNaN(torchRate) ? 'n/a' : formatRate(torchRate),
      Number.isNaN(torchRate) ? 'n/a' : formatRatio(simd.unitsPerSecond / torchRate),
    ]);
  }
  printTable(
    `Mini-batch SGD (batch ${batchSize}, ${steps} steps per sample) on ${rows.toLocaleString('en')} × ${columns}, ${classes} classes; mlp hidden ${hidden} relu; float64` +
      ('unavailable' in torch ? `; torch skipped (${torch.unavailable})` : `; torch ${torch.version} CPU, 1 thread, its own process`),
    ['model', 'simd samples/s', 'javascript', 'simd/javascript', 'torch', 'simd/torch'],
    rowsOut,
  );
}
