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
 * The update of a recorded tick (a multiple of `record.every`, or the run's last) is measured, as a
 * simulated run's is, and published for the coordinator (record-ring.ts): it goes through the
 * gradient even where it would be made in place, with the same values. Before it, the thread makes
 * sure its ring has a slot for it, waiting for the coordinator while it has none (a run that
 * records more than its rings hold, the coordinator that far behind). The other ticks pay two
 * comparisons for it (one before the update, one in it), and each claim of ticks one store of the
 * thread's position.
 *
 * A non-finite loss, gradient or parameter stops every thread (the coordinator reports it).
 * With `locking` (the benchmark's peer) each whole update, gradient and write, holds one mutex,
 * the usual futex mutex on a shared word (Drepper, "Futexes are tricky"): 0 free, 1 held, 2 held
 * with a thread waiting. Taking a free one is one compare-and-swap; a thread that finds it taken
 * marks it 2 and sleeps in Atomics.wait (at most 1 ms, then it tries again); releasing it costs
 * an Atomics.notify only when it was marked 2.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { allocateSparseGradient, createObjective, isDataObjective, type Objective, type ResolvedObjectiveSpec, type SparseGradient, type SparseStepOutcome } from '../core/objectives/index.ts';
import { DataShard } from '../core/parallel/data-shard.ts';
import { DataBatches } from '../core/training/data-batches.ts';
import { LocalStep, noiseStream, type LocalStepSettings } from '../core/training/local-step.ts';
import type { TrainingSettings } from '../core/training/training-settings.ts';
import { control } from './control.ts';
import { ThreadCounters } from './thread-stats.ts';
import { errorMessage } from '../core/error-message.ts';
import { norm } from '../core/vec.ts';
import type { MeasuredStep } from '../concurrent-runs/center-watch.ts';
import { RecordWriter, type RecordRings } from './record-ring.ts';

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
  /** Where the thread publishes the updates it makes at recorded steps (record-ring.ts). */
  readonly records: RecordRings;
  readonly locking: boolean;
  /** Holds back the thread that makes this recorded update before it makes it (HeldRecord). */
  readonly hold: HeldRecord | null;
}

/**
 * A thread held back, as a descheduled thread is: the thread that claims tick `step` sets
 * `gate[0]` to 1 before it makes the first of the ticks it claimed with it (a recorded tick it
 * claims alone: before making it), then waits until it is no longer 1 (or the run stops), or
 * while it is 3, the run stopping or not (a thread descheduled before it saw the stop). Lets the
 * order in which threads and coordinator meet be set instead of left to the machine's load.
 */
export interface HeldRecord {
  readonly step: number;
  readonly gate: Int32Array;
}

function holdBack({ gate }: HeldRecord, words: Int32Array): void {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  for (;;) {
    const state = Atomics.load(gate, 0);
    if (state !== 3 && (state !== 1 || Atomics.load(words, control.stop) !== 0)) return;
    Atomics.wait(gate, 0, state, 10);
  }
}

/** Ticks a thread claims at once, at most. */
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

/** What a recorded update needs (passed whole: a closure over `train`'s variables would move them out of registers in its loop). */
interface Recording {
  readonly theta: Float64Array;
  readonly local: LocalStep;
  readonly evaluated: Objective;
  readonly sparseGradient: ((params: Float64Array, gradient: SparseGradient) => number) | undefined;
  readonly sparse: SparseGradient | null;
  readonly measured: MeasuredStep;
}

/**
 * A recorded update: made as the others are, but through the gradient (sparse when it is, never
 * in place: the same values), to measure the mini-batch loss and the raw gradient's norm at θ as
 * read, η_t, and the norm of the step written, η·‖g‖ after weight decay, clipping and noise.
 * Returns 1 + the index of a parameter made non-finite, −1 for a non-finite loss, or 0.
 */
function measuredUpdate({ theta, local, evaluated, sparseGradient, sparse, measured }: Recording): number {
  const eta = local.learningRate;
  measured.learningRate = eta;
  if (sparse) {
    const loss = sparseGradient!(theta, sparse);
    if (!Number.isFinite(loss)) return -1;
    let squares = 0;
    for (let e = 0; e < sparse.count; e++) squares += sparse.values[e] * sparse.values[e];
    measured.loss = loss;
    measured.gradNorm = Math.sqrt(squares);
    measured.updateNorm = eta * measured.gradNorm;
    return writeSparse(theta, sparse, eta);
  }
  const loss = local.evaluate(evaluated, theta);
  if (!Number.isFinite(loss)) return -1;
  measured.loss = loss;
  measured.gradNorm = norm(local.gradient);
  local.transform(theta);
  measured.updateNorm = eta * norm(local.gradient);
  return writeDense(theta, local.gradient, eta);
}

function train(data: ThreadData, writer: RecordWriter): void {
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
  const every = data.records.every;
  const held = data.hold?.step ?? -1;
  const recording: Recording = { theta, local, evaluated, sparseGradient, sparse, measured: { loss: 0, gradNorm: 0, learningRate: 0, updateNorm: 0 } };
  // Start together: a thread that loads faster must not do the others' share alone.
  if (Atomics.add(words, control.ready, 1) + 1 === replicas) {
    Atomics.store(words, control.go, 1);
    Atomics.notify(words, control.go);
  }
  while (Atomics.load(words, control.go) === 0 && Atomics.load(words, control.stop) === 0) Atomics.wait(words, control.go, 0, 50);
  for (;;) {
    // Ticks are claimed and counted a few at a time: shared counters bumped at every tick would
    // bounce their cache line between cores. A claim stops before the next recorded tick, which is
    // claimed alone, right before it is made: a thread descheduled in the middle of its ticks must
    // not hold one to make long after, at θ as it is then, and be recorded under its early step.
    let claimed = Atomics.load(words, control.claimed);
    let first: number;
    let last: number;
    // The next tick to record: a multiple of record.every, or the last.
    let recorded: number;
    for (;;) {
      first = claimed + 1;
      if (first > totalTicks) return;
      recorded = Math.min(Math.ceil(first / every) * every, totalTicks);
      last = first === recorded ? recorded : Math.min(first + claimChunk - 1, recorded - 1);
      const seen = Atomics.compareExchange(words, control.claimed, claimed, last);
      if (seen === claimed) break;
      claimed = seen;
    }
    writer.at(first);
    if (first <= held && held <= last) holdBack(data.hold!, words);
    let done = 0;
    let stopped = false;
    for (let t = first; t <= last; t++) {
      if (Atomics.load(words, control.stop) !== 0) {
        stopped = true;
        break;
      }
      if (t === recorded) {
        // Before the mutex of the locking variant: a thread waiting while it held it would hold
        // back the threads below it, whose rows the coordinator must take first. A run stopping
        // while the thread waits for a slot: the update is not made.
        if (!writer.reserve(t)) {
          stopped = true;
          break;
        }
      }
      if (batches) {
        batches.next(theta);
        if (batches.fullBatch) shard!.reselect();
      }
      local.begin(t);
      if (locking) lock(words);
      const sampled = counters.beforeRead();
      let broken: number;
      if (t === recorded) {
        writer.measuredAt(theta);
        broken = measuredUpdate(recording);
        if (broken === 0) writer.publish(t, recording.measured, theta);
        recorded = t < totalTicks ? Math.min(t + every, totalTicks) : Infinity;
      } else if (rowStep) {
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
const writer = new RecordWriter(data.records, data.replica, () => Atomics.load(data.control, control.stop) !== 0);
try {
  train(data, writer);
} catch (error) {
  Atomics.store(data.control, control.failed, 1);
  Atomics.store(data.control, control.stop, 1);
  parentPort?.postMessage({ error: errorMessage(error) });
} finally {
  writer.close();
  Atomics.sub(data.control, control.running, 1);
}
