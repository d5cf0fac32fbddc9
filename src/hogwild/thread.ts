/**
 * One thread of a concurrent hogwild run (Niu et al.'s Algorithm 1): claim a tick, take the
 * replica's next mini-batch from its shard, compute the gradient at the shared θ as it reads it,
 * and write θ_j ← θ_j − η·g_j for the coordinates the gradient touches, with no lock. Racing
 * writes may lose an update now and then; on sparse data they rarely meet, which is the paper's
 * point. Weight decay, clipping, noise and the schedule apply as in every local step (t = tick).
 *
 * Where the objective gives its gradient sparse (sparse features, no L2 penalty) and no weight
 * decay, clipping or noise makes it dense, an update reads and writes only the coordinates its
 * rows touch: O(nonzeros), not O(dimension), with the same values as the dense gradient's. With
 * one row per update (the paper's setting) the objective makes the step itself where it can
 * (`sparseRowStep`): the same reads and writes with the same values, with no gradient gathered
 * in between, so the cache lines the threads share are held for less time between a read and
 * its write.
 *
 * A non-finite loss, gradient or parameter stops every thread (the coordinator reports it).
 * With `locking` (the benchmark's peer) each whole update, gradient and write, holds one mutex,
 * the usual futex mutex on a shared word (Drepper, "Futexes are tricky"): 0 free, 1 held, 2 held
 * with a thread waiting. Taking a free one is one compare-and-swap; a thread that finds it taken
 * marks it 2 and sleeps in Atomics.wait (at most 1 ms, then it tries again); releasing it costs
 * an Atomics.notify only when it was marked 2.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { allocateSparseGradient, createObjective, isDataObjective, type ResolvedObjectiveSpec, type SparseGradient, type SparseStepOutcome } from '../core/objectives/index.ts';
import { DataShard } from '../core/parallel/data-shard.ts';
import { DataBatches } from '../core/training/data-batches.ts';
import { LocalStep, noiseStream, type LocalStepSettings } from '../core/training/local-step.ts';
import type { TrainingSettings } from '../core/training/training-settings.ts';
import { control } from './control.ts';
import { ThreadCounters } from './thread-stats.ts';
import { errorMessage } from '../core/error-message.ts';

export interface ThreadData {
  readonly objective: ResolvedObjectiveSpec;
  readonly settings: LocalStepSettings;
  readonly training: TrainingSettings;
  readonly replica: number;
  readonly replicas: number;
  readonly totalTicks: number;
  readonly params: Float64Array;
  readonly control: Int32Array;
  /** Steps and staleness per thread (thread-stats.ts). */
  readonly stats: Int32Array;
  readonly locking: boolean;
}

/** Ticks a thread claims at once. */
const claimChunk = 16;

function lock(words: Int32Array): void {
  let state = Atomics.compareExchange(words, control.lock, 0, 1);
  if (state === 0) return;
  if (state !== 2) state = Atomics.exchange(words, control.lock, 2);
  while (state !== 0) {
    Atomics.wait(words, control.lock, 2, 1);
    state = Atomics.exchange(words, control.lock, 2);
  }
}

function unlock(words: Int32Array): void {
  if (Atomics.sub(words, control.lock, 1) === 1) return;
  Atomics.store(words, control.lock, 0);
  Atomics.notify(words, control.lock, 1);
}

/** θ_j ← θ_j − η·g_j where g_j ≠ 0; returns 1 + the index of a parameter made non-finite, or 0. */
function writeDense(theta: Float64Array, gradient: Float64Array, eta: number): number {
  let broken = 0;
  for (let j = 0; j < gradient.length; j++) {
    const g = gradient[j];
    if (g === 0) continue;
    const value = theta[j] - eta * g;
    theta[j] = value;
    if (!Number.isFinite(value)) broken = j + 1;
  }
  return broken;
}

/** `writeDense` over the coordinates a sparse gradient lists. */
function writeSparse(theta: Float64Array, { indices, values, count }: SparseGradient, eta: number): number {
  let broken = 0;
  for (let e = 0; e < count; e++) {
    const g = values[e];
    if (g === 0) continue;
    const j = indices[e];
    const value = theta[j] - eta * g;
    theta[j] = value;
    if (!Number.isFinite(value)) broken = j + 1;
  }
  return broken;
}

function train(data: ThreadData): void {
  const { replica, replicas, totalTicks, params: theta, control: words, locking, training } = data;
  const objective = createObjective(data.objective);
  const shard = isDataObjective(objective) ? new DataShard(objective, replica, replicas) : null;
  const batches = shard ? new DataBatches(shard, training.batchSize, training.shuffle, training.seed + replica, training.curriculum) : null;
  const local = new LocalStep(objective.dimension, data.settings, { totalSteps: totalTicks, noiseSeed: training.seed + replica + noiseStream, validating: false });
  const gradient = local.gradient;
  const evaluated = shard ?? objective;
  const sparseGradient = local.plainGradient ? shard?.valueAndSparseGradient : undefined;
  const sparse = sparseGradient ? allocateSparseGradient() : null;
  const rowStep = local.plainGradient && batches?.batchSize === 1 ? shard?.sparseRowStep : undefined;
  const outcome: SparseStepOutcome = { loss: 0, broken: 0 };
  const counters = new ThreadCounters(data.stats, replica, replicas);
  // Start together: a thread that loads faster must not do the others' share alone.
  if (Atomics.add(words, control.ready, 1) + 1 === replicas) {
    Atomics.store(words, control.go, 1);
    Atomics.notify(words, control.go);
  }
  while (Atomics.load(words, control.go) === 0 && Atomics.load(words, control.stop) === 0) Atomics.wait(words, control.go, 0, 50);
  for (;;) {
    // Ticks are claimed and counted a few at a time: shared counters bumped at every tick would bounce their cache line between cores.
    const first = Atomics.add(words, control.claimed, claimChunk) + 1;
    const last = Math.min(first + claimChunk - 1, totalTicks);
    if (first > totalTicks) return;
    let done = 0;
    let stopped = false;
    for (let t = first; t <= last; t++) {
      if (Atomics.load(words, control.stop) !== 0) {
        stopped = true;
        break;
      }
      if (batches) {
        batches.next(theta);
        if (batches.fullBatch) shard!.reselect();
      }
      local.begin(t);
      if (locking) lock(words);
      const sampled = counters.beforeRead();
      let broken: number;
      if (rowStep) {
        rowStep(theta, local.learningRate, outcome);
        broken = Number.isFinite(outcome.loss) ? outcome.broken : -1;
      } else {
        const loss = sparse ? sparseGradient!(theta, sparse) : local.evaluate(evaluated, theta);
        broken = Number.isFinite(loss) ? 0 : -1;
        // Only the coordinates the gradient touches are written: sparse updates rarely collide.
        if (broken === 0 && sparse) broken = writeSparse(theta, sparse, local.learningRate);
        else if (broken === 0) {
          local.transform(theta);
          broken = writeDense(theta, gradient, local.learningRate);
        }
      }
      if (locking) unlock(words);
      if (broken === 0) counters.afterWrite(sampled);
      if (broken !== 0) {
        Atomics.compareExchange(words, control.diverged, 0, broken);
        Atomics.store(words, control.stop, 1);
        stopped = true;
        break;
      }
      done++;
    }
    Atomics.add(words, control.completed, done);
    if (stopped) return;
  }
}

const data = workerData as ThreadData;
try {
  train(data);
} catch (error) {
  Atomics.store(data.control, control.failed, 1);
  Atomics.store(data.control, control.stop, 1);
  parentPort?.postMessage({ error: errorMessage(error) });
} finally {
  Atomics.sub(data.control, control.running, 1);
}
