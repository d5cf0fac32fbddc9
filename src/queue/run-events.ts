/**
 * Live run events over Redis pub/sub, for the API's server-sent events and any other listener.
 *
 * Channel: `descent:run:<runId>` (one per run). Every message is one JSON object, with `type`:
 *
 *   { "type": "status",   "runId": "…", "status": "running" | "completed" | … ,
 *                         "result": RunResult | null }
 *       when a worker starts (or resumes) the run, together with its first slice's events;
 *       when the run ends (with its result); and when a queued run is cancelled.
 *   { "type": "progress", "runId": "…",
 *                         "progress": { "step", "totalSteps", "epoch", "fraction",
 *                                       "stepsPerSecond", "etaSeconds" },
 *                         "earlyStoppingState": { "enabled", "monitor", "best", "bestStep",
 *                                                 "patience", "stepsSinceBest", "stopped" },
 *                         "earlyStopping": the same (deprecated, kept for one version) }
 *       at most every ~250 ms while running, and once at the end; the same objects that
 *       `GET /v1/runs/{id}` shows.
 *   { "type": "metrics",  "runId": "…", "firstStep": a, "lastStep": b, "count": n,
 *                         "rows": [{ "step", "loss", "valLoss"?, "valAccuracy"?, "gradNorm", "learningRate",
 *                                    "updateNorm", "epoch", "elapsedSeconds" }, …] }
 *       after each slice is committed: its recorded steps a … b (n of them). `rows` holds at
 *       most `maxLiveRows` of them, evenly spaced and always including the last; fetch the
 *       rest from /metrics. A slice's events are published only when someone follows the
 *       channel (see run-announcer.ts).
 *
 * Pub/sub delivers nothing to a listener that was not subscribed at the time: a client that
 * connects mid-run reads the run row first, then follows the channel. These shapes are a
 * contract with the SSE route: extend them, never rename.
 */
import type { Redis } from './connection.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import type { LiveMetricRow } from '../contracts/metric-fields.ts';
import type { RunResultView } from '../contracts/run-result.ts';
import type { EarlyStoppingStateView, RunProgressView } from '../contracts/run-progress.ts';
import type { StrandedRunEnd } from '../db/stranded-runs.ts';
import { sweepEventMessage, trialEndedEvent } from './sweep-events.ts';
import { runEndToldKey, tellEndOnce } from './end-told.ts';

const runChannelPrefix = 'descent:run:';

export const runChannel = (runId: string): string => `${runChannelPrefix}${runId}`;

/** Rows one metrics message carries at most. */
export const maxLiveRows = 256;

/** A running run's progress, as `GET /v1/runs/{id}` shows it. */
export type LiveProgress = RunProgressView;

;

export type RunEvent =
  | { readonly type: 'status'; readonly runId: string; readonly status: RunStatus; readonly result: RunResultView | null }
  | {
      readonly type: 'progress';
      readonly runId: string;
      readonly progress: LiveProgress;
      readonly earlyStoppingState: EarlyStoppingStateView | null;
      /** Deprecated: the same as `earlyStoppingState`. */
      readonly earlyStopping: EarlyStoppingStateView | null;
    }
  | {
      readonly type: 'metrics';
      readonly runId: string;
      readonly firstStep: number;
      readonly lastStep: number;
      readonly count: number;
      readonly rows: readonly LiveMetricRow[];
    };

/** Publishes an event; resolves to the number of listeners that received it. */
export function publishRunEvent(redis: Redis, event: RunEvent): Promise<number> {
  return redis.publish(runChannel(event.runId), JSON.stringify(event));
}

/**
 * Tells the end of a run that no worker drove (cancelled by its stop, failed by the reconciler),
 * or that a worker found ended or failed without a slice:
 * its status on its channel and, for a sweep's trial, its end on its sweep's (both best effort:
 * one who missed them reads the run). A trial's end is told only by whoever first claims it (see
 * end-told.ts), by the call that claims it: nothing when another teller did.
 */
export async function publishStrandedEnd(redis: Redis, queuePrefix: string, ended: Omit<StrandedRunEnd, 'result'> & { readonly result: RunResultView | null }, status: RunStatus): Promise<void> {
  const event: RunEvent = { type: 'status', runId: ended.id, status, result: ended.result };
  const trial = trialEndedEvent(ended, status);
  if (!trial) {
    await publishRunEvent(redis, event).catch(() => 0);
    return;
  }
  await tellEndOnce(redis, runEndToldKey(queuePrefix, ended.id), [{ channel: runChannel(ended.id), message: JSON.stringify(event) }, sweepEventMessage(trial)]);
}
