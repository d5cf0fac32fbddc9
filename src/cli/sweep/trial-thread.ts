/**
 * A thread of `descent sweep` running trials one after another, each through the same run loop
 * as `descent run` and the workers. Messages:
 *   in:  { type: 'files', files: [[key, Dataset], …] }        the data files, read once (first)
 *        { type: 'trial', trialNumber, spec, pruner, field, advanceMs }   run this trial
 *        { type: 'verdict', prune }                            the answer to a check
 *        { type: 'stop', trialNumber }                         end this trial, cancelled (the sweep is ending)
 *   out: { type: 'records', trialNumber, rows: [[step, value|null], …] }   after each advance
 *        { type: 'check', trialNumber, step, previousStep }    at a pruning decision step
 *        { type: 'result', trialNumber, result }               the trial ended
 *        { type: 'error', trialNumber, message }
 */
import { parentPort } from 'node:worker_threads';
import { runSpecSchema } from '../../contracts/run-spec.ts';
import { createPruner, isCheckStep, nextCheckStep, type PrunerSpec } from '../../core/sweep/index.ts';
import type { Dataset } from '../../core/datasets/index.ts';
import { createNewObjective } from '../../core/objectives/index.ts';
import { isObjectiveReference, iterateRun, type StepRecord } from '../../core/training/index.ts';
import { withDataFiles } from '../data-files.ts';
import { errorMessage } from '../../core/error-message.ts';

export interface TrialMessage {
  readonly type: 'trial';
  readonly trialNumber: number;
  readonly spec: unknown;
  readonly pruner: PrunerSpec;
  readonly field: 'loss' | 'valLoss' | 'valAccuracy';
  /**
   * How long one advance makes updates at most, in milliseconds on the engine's clock, before the
   * thread reads its messages (a stop among them), as a worker's slice ends at its deadline. Where
   * an advance ends changes nothing of the trial's trajectory.
   */
  readonly advanceMs: number;
}

/** Ends the trial, cancelled, after the advance under way (the sweep is ending: its time limit, its target, its failures): its result says how it ended. */
export interface StopMessage {
  readonly type: 'stop';
  readonly trialNumber: number;
}

/** The `{ path }` data files of the sweep's spec, read by the main thread (data-files.ts). */
export interface FilesMessage {
  readonly type: 'files';
  readonly files: readonly (readonly [string, Dataset])[];
}

const port = parentPort!;
let files: ReadonlyMap<string, Dataset> = new Map();
let answer: ((prune: boolean) => void) | null = null;
/** The trial the sweep asked to stop: it ends, cancelled, after the advance under way (messages are read between advances: see TrialMessage.advanceMs). */
let stopping: number | null = null;

/** Updates per advance between two messages, at most, however quick (see also TrialMessage.advanceMs). */
const stepsPerAdvance = 20_000;

/** The engine's clock: its advances' deadlines, and the trial's training.timeLimitSeconds, as `descent run` measures them. */
const clock = () => performance.now();

async function runTrial({ trialNumber, spec, pruner: prunerSpec, field, advanceMs }: TrialMessage): Promise<void> {
  const parsed = runSpecSchema.parse(spec);
  const objectiveSpec = parsed.objective;
  const objective = !isObjectiveReference(objectiveSpec) && objectiveSpec.type === 'model' ? createNewObjective(await withDataFiles(objectiveSpec, files)) : undefined;
  const engine = iterateRun(parsed, { objective, clock });
  const every = engine.recordEvery;
  const pruner = prunerSpec.type === 'none' ? null : createPruner(prunerSpec);
  for (;;) {
    const step = engine.progress.step;
    const toNextCheck = pruner ? nextCheckStep(pruner, step, every) - step : Infinity;
    const records: StepRecord[] = engine.advance({ maxSteps: Math.min(stepsPerAdvance, toNextCheck), deadline: clock() + advanceMs });
    port.postMessage({ type: 'records', trialNumber, rows: records.map((record) => [record.step, record[field] ?? null]) });
    if (engine.result) {
      port.postMessage({ type: 'result', trialNumber, result: engine.result });
      return;
    }
    // A stop that came during the advance is read now.
    await new Promise((resolve) => setImmediate(resolve));
    if (stopping === trialNumber) {
      engine.cancel();
      continue;
    }
    const now = engine.progress.step;
    if (pruner && isCheckStep(pruner, now, every)) {
      port.postMessage({ type: 'check', trialNumber, step: now, previousStep: now - every >= 1 ? now - every : null });
      const prune = await new Promise<boolean>((resolve) => (answer = resolve));
      if (prune) engine.cancel();
    }
  }
}

port.on('message', (message: FilesMessage | TrialMessage | StopMessage | { type: 'verdict'; prune: boolean }) => {
  if (message.type === 'stop') {
    stopping = message.trialNumber;
    return;
  }
  if (message.type === 'files') {
    files = new Map(message.files);
    return;
  }
  if (message.type === 'verdict') {
    answer?.(message.prune);
    answer = null;
    return;
  }
  runTrial(message).catch((error: unknown) => {
    port.postMessage({ type: 'error', trialNumber: message.trialNumber, message: errorMessage(error) });
  });
});
