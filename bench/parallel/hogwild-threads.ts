/**
 * Hogwild! on worker threads, on the sparse-text generator (100,000 rows, 1,000 words, its default
 * vocabulary and row lengths, one row per update as in the paper): the same number of updates
 * made by 1 thread, by 2 lock-free threads, and by 2 threads that hold one mutex for each whole
 * update (the peer Niu et al. measure against). As in the paper's experiments, the step size is
 * constant within an epoch and multiplied by β at the end of each (a step schedule of one epoch's
 * updates): the final loss is then that of a converging run, not of the last updates' noise at a
 * constant step.
 *
 * Two models: first a linear SVM (hinge loss), Niu et al.'s first experiment (sparse SVM on
 * RCV1), where a row beyond its margin has no gradient, so once trained most updates only read θ;
 * then logistic regression, where every update writes its row's words and the bias.
 *
 * Times run from the moment all threads start together (module loading excluded) to the last
 * update (the final loss is taken after): the run is driven in slices of about a millisecond, and
 * a slice's start time bounds each moment. Candidates take turns, their order rotating each
 * round; medians, with the load average.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { objectiveSpecSchema } from '../../src/core/objectives/index.ts';
import { ConcurrentHogwildRun } from '../../src/hogwild/concurrent-hogwild.ts';
import { formatRatio, median, printTable } from '../support/measure.ts';

const rows = 100_000;
/** The step size's factor at the end of each epoch. */
const beta = 0.8;

interface Setting {
  readonly model: 'svm' | 'logistic';
  readonly epochs: number;
  readonly learningRate: number;
}

const settings: readonly Setting[] = [
  { model: 'svm', epochs: 20, learningRate: 0.05 },
  { model: 'logistic', epochs: 20, learningRate: 0.05 },
];

interface Outcome {
  readonly seconds: number;
  readonly loss: number;
}

/** Drives one concurrent run to its end; the training time is taken from the threads' common start to the last update. */
async function train({ model, epochs, learningRate }: Setting, replicas: number, locking: boolean): Promise<Outcome> {
  const objectiveInput = { type: 'model', model, data: { builtin: 'sparse-text', rows, seed: 11 } } as const;
  const config = runSpecSchema.parse({
    objective: objectiveInput,
    optimizer: { name: 'sgd', learningRate },
    schedule: { type: 'step', stepSize: rows, gamma: beta },
    training: { maxSteps: epochs * rows, batchSize: 1, seed: 3 },
    record: { every: epochs * rows },
    parallel: { algorithm: 'hogwild', replicas, execution: 'concurrent' },
  });
  const run = new ConcurrentHogwildRun(config, objectiveSpecSchema.parse(objectiveInput), { clock: () => performance.now(), locking });
  let started = NaN;
  let ended = NaN;
  while (!run.done) {
    const sliceStart = performance.now();
    run.advance({ deadline: sliceStart + 1 });
    if (Number.isNaN(started) && run.progress.step > 0) started = sliceStart;
    // The slice that saw the last update also took the final loss: the updates ended before it began.
    if (Number.isNaN(ended) && (run.done || run.progress.step >= config.training.maxSteps!)) ended = sliceStart;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await run.close();
  return { seconds: (ended - started) / 1000, loss: run.result!.finalLoss! };
}

export async function hogwildThreads(rounds = 5): Promise<void> {
  for (const setting of settings) await hogwildTable(setting, rounds);
}

async function hogwildTable(setting: Setting, rounds: number): Promise<void> {
  const { model, epochs, learningRate } = setting;
  const candidates = [
    { name: '1 thread', replicas: 1, locking: false },
    { name: '2 threads, lock-free (Hogwild!)', replicas: 2, locking: false },
    { name: '2 threads, one lock per update', replicas: 2, locking: true },
  ];
  const outcomes = candidates.map(() => [] as Outcome[]);
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < candidates.length; turn++) {
      const c = (round + turn) % candidates.length;
      outcomes[c].push(await train(setting, candidates[c].replicas, candidates[c].locking));
      loads.push(loadavg()[0]);
    }
  }
  const seconds = outcomes.map((list) => median(list.map((outcome) => outcome.seconds)));
  const losses = outcomes.map((list) => median(list.map((outcome) => outcome.loss)));
  printTable(
    `Hogwild! threads, ${model}: ${epochs} epochs of SGD (batch 1, η ${learningRate}, × ${beta} each epoch) on sparse-text ${rows.toLocaleString('en-US')} × 1,000, median of ${rounds}; load average ${median(loads).toFixed(1)}`,
    ['candidate', 'seconds', 'final loss', 'speed-up over 1 thread', 'loss vs 1 thread', 'final losses'],
    candidates.map((candidate, c) => [
      candidate.name,
      seconds[c].toFixed(2),
      losses[c].toFixed(4),
      formatRatio(seconds[0] / seconds[c]),
      `${(((losses[c] - losses[0]) / losses[0]) * 100).toFixed(1)}%`,
      outcomes[c].map((outcome) => outcome.loss.toFixed(4)).join(' '),
    ]),
  );
  console.log(`${model}: lock-free over locking (2 threads): ${formatRatio(seconds[2] / seconds[1])}`);
}
