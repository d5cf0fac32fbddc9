/**
 * The trials a sweep stops as it ends or stops short: a client's cancel of the sweep, its
 * coordination failing (the sweep reconciler), its own stop (RoundPlan.stop, see
 * src/db/sweep-coordination.ts). The statement that stopped the sweep cancelled its queued
 * trials, and only that statement could end them: each is told ended once, on its run's channel
 * and as its sweep's `trial` event, here when its job was removed, else by the worker that holds
 * (or takes) its job and finds it ended (see tellCancelledQueued). Its
 * running trials are stopped as a client's cancel stops a run (stopRunning): one whose job no
 * worker holds is ended and told at once; the others are told to stop by their flags, and told
 * ended by the workers that end them.
 */
import { stopRunning, tellCancelledQueued, type RunStopping } from './run-cancellation.ts';
import type { StrandedRunEnd } from '../db/stranded-runs.ts';

export interface StoppedTrials {
  /** Queued trials the sweep's statement cancelled. */
  readonly cancelled: readonly StrandedRunEnd[];
  /** Trials running (or queued, should a worker start one before the statement committed) when it did. */
  readonly running: readonly string[];
}

/**
 * Tells the cancelled trials' ends and stops the running ones, saying `why` ("its sweep was
 * cancelled") in the result of one ended at once. The running trials it ended at once (the
 * others are told to stop by their flags). Rejects when a running trial's job could not be
 * removed (Redis unreachable), after telling the cancelled ones (those whose jobs it removed).
 */
export async function stopSweepTrials(stopping: RunStopping, trials: StoppedTrials, why: string): Promise<string[]> {
  await Promise.all(trials.cancelled.map((trial) => tellCancelledQueued(stopping, trial)));
  const ended = await Promise.all(trials.running.map((runId) => stopRunning(stopping, runId, `Cancelled while no worker was running it: ${why}.`)));
  return trials.running.filter((_, i) => ended[i] !== null);
}
