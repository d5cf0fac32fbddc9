/**
 * The trials a sweep stops as it ends or stops short: a client's cancel of the sweep, its
 * coordination failing (the sweep reconciler), its own stop (RoundPlan.stop, see
 * src/db/sweep-coordination.ts). The statement that stopped the sweep cancelled its queued
 * trials, and only that statement could end them: each is told ended here, once, on its run's
 * channel and as its sweep's `trial` event, as a worker tells the end of a trial it ran. Its
 * running trials are stopped as a client's cancel stops a run (stopRunning): one whose job no
 * worker holds is ended and told at once; the others are told to stop by their flags, and told
 * ended by the workers that end them.
 */
import { stopRunning, type RunStopping } from './run-cancellation.ts';
import { publishStrandedEnd } from './run-events.ts';
import type { StrandedRunEnd } from '../db/stranded-runs.ts';

export interface StoppedTrials {
  /** Queued trials the sweep's statement cancelled. */
  readonly cancelled: readonly StrandedRunEnd[];
  /** Trials running (or queued, should a worker start one before the statement committed) when it did. */
  readonly running: readonly string[];
}

/**
 * Tells the cancelled trials' ends and stops the running ones, saying `why` ("its sweep was
 * cancelled") in the result of one ended at once. True when some running trial ended at once.
 * Rejects when a running trial's job could not be removed (Redis unreachable), after telling the
 * cancelled ones.
 */
export async function stopSweepTrials(stopping: RunStopping, trials: StoppedTrials, why: string): Promise<boolean> {
  await Promise.all(trials.cancelled.map((trial) => publishStrandedEnd(stopping.redis, trial, 'cancelled')));
  const ended = await Promise.all(trials.running.map((runId) => stopRunning(stopping, runId, `Cancelled while no worker was running it: ${why}.`)));
  return ended.some((result) => result !== null);
}
