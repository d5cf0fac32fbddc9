/**
 * Hogwild! on worker threads, on the sparse-text generator (100,000 rows, 1,000 words, one row
 * per update as in the paper): the same number of updates made by 1 thread, by 2 lock-free
 * threads, and by 2 threads that hold one mutex for each whole update (the peer Niu et al.
 * measure against). Times run from the moment all threads start together (module loading
 * excluded) to the last update; the final loss is on a fixed sample of 4,096 training rows.
 */
import { performance } from 'node:perf_hooks';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { objectiveSpecSchema } from '../../src/core/objectives/index.ts';
import { ConcurrentHogwildRun } from '../../src/hogwild/concurrent-hogwild.ts';
import { formatRatio, median, printTable } from '../support/measure.ts';

const rows = 100_000;
const epochs = 2;
const objectiveInput = { type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows, seed: 11 } } as const;

interface Outcome {
  readonly seconds: number;
  readonly loss: number;
}

/** Drives one concurrent run to its end; the training time is taken from the threads' common start. */
async function train(replicas: number, locking: boolean): Promise<Outcome> {
  const config = runSpecSchema.parse({
    objective: objectiveInput,
    optimizer: { name: 'sgd', learningRate: 0.05 },
    training: { maxSteps: epochs * rows, batchSize: 1, seed: 3 },
    record: { every: epochs * rows },
    parallel: { algorithm: 'hogwild', replicas, execution: 'concurrent' },
  });
  const run = new ConcurrentHogwildRun(config, objectiveSpecSchema.parse(objectiveInput), { clock: () => performance.now(), locking });
  let started = NaN;
  while (!run.done) {
    run.advance({ deadline: performance.now() + 20 });
    if (Number.isNaN(started) && run.progress.step > 0) started = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, loss: run.result!.finalLoss! };
}

export async function hogwildThreads(rounds = 3): Promise<void> {
  const candidates = [
    { name: '1 thread', replicas: 1, locking: false },
    { name: '2 threads, lock-free (Hogwild!)', replicas: 2, locking: false },
    { name: '2 threads, one lock per update', replicas: 2, locking: true },
  ];
  const outcomes = candidates.map(() => [] as Outcome[]);
  for (let round = 0; round < rounds; round++) {
    for (let c = 0; c < candidates.length; c++) outcomes[c].push(await train(candidates[c].replicas, candidates[c].locking));
  }
  const seconds = outcomes.map((list) => median(list.map((outcome) => outcome.seconds)));
  const losses = outcomes.map((list) => median(list.map((outcome) => outcome.loss)));
  printTable(
    `Hogwild! threads: ${epochs} epochs of SGD (batch 1, η 0.05) on sparse-text ${rows.toLocaleString('en-US')} × 1,000, median of ${rounds}`,
    ['candidate', 'seconds', 'final loss', 'speed-up over 1 thread', 'loss vs 1 thread'],
    candidates.map((candidate, c) => [
      candidate.name,
      seconds[c].toFixed(2),
      losses[c].toFixed(4),
      formatRatio(seconds[0] / seconds[c]),
      `${(((losses[c] - losses[0]) / losses[0]) * 100).toFixed(1)}%`,
    ]),
  );
  console.log(`lock-free over locking (2 threads): ${formatRatio(seconds[2] / seconds[1])}`);
}
