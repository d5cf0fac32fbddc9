/**
 * Live sweep events over Redis pub/sub, for the API's server-sent events. Channel
 * `descent:sweep:<sweepId>`; each message one JSON object:
 *
 *   { "type": "sweep", "sweepId": "…", "status": "running" | "completed" | …, "result": SweepResult | null }
 *       after a coordination round created trials or ended the sweep, and when it is cancelled;
 *   { "type": "trial", "sweepId": "…", "runId": "…", "trialNumber": n, "status": "completed" | "pruned" | … }
 *       when a trial has ended, told once by whatever ended it (the worker that ran it; its stop
 *       while no worker ran it, by a client's cancel or its sweep's; the reconciler failing it; its
 *       cancel while queued, by a client or as its sweep stops, is cancelled or fails, or the worker
 *       that held its job then: see src/queue/sweep-trial-stops.ts), and by no other once one
 *       told it (see end-told.ts): `status` is its final status. "ended" comes only from a worker
 *       of an earlier release, still to be accepted: it told so, without reading how, of a trial
 *       it did not end itself (ended by another attempt or a cancel, or taken over by another
 *       worker, which may still run it), besides the final status its ender told.
 *
 * A client that connects mid-sweep reads the sweep first, then follows the channel; the API's
 * GET /v1/sweeps/{id}/events does both. These shapes are a contract with that route: extend
 * them, never rename.
 */
import type { Redis } from './connection.ts';
import { sweepEndToldKey, tellEndOnce } from './end-told.ts';

export const sweepChannel = (sweepId: string): string => `descent:sweep:${sweepId}`;

export type SweepEvent =
  | { readonly type: 'sweep'; readonly sweepId: string; readonly status: string; readonly result: unknown }
  | { readonly type: 'trial'; readonly sweepId: string; readonly runId: string; readonly trialNumber: number | null; readonly status: string };

/** A trial's end as its sweep's event (see above); null for a run of its own. */
export function trialEndedEvent(run: { readonly id: string; readonly sweepId: string | null; readonly trialNumber: number | null }, status: string): SweepEvent | null {
  return run.sweepId === null ? null : { type: 'trial', sweepId: run.sweepId, runId: run.id, trialNumber: run.trialNumber, status };
}

/** The event as published: its channel and its message. */
export function sweepEventMessage(event: SweepEvent): { channel: string; message: string } {
  return { channel: sweepChannel(event.sweepId), message: JSON.stringify(event) };
}

export async function publishSweepEvent(redis: Redis, event: SweepEvent): Promise<void> {
  const { channel, message } = sweepEventMessage(event);
  await redis.publish(channel, message);
}

/**
 * Publishes a sweep's final `sweep` event, once (see end-told.ts): nothing when another teller
 * told it, or when Redis is unreachable (the sweep reconciler tells the end of a sweep that
 * ended lately it finds untold). The marker is set by the call that publishes, so an end is
 * never marked told without being told. True when this call told it. Never rejects.
 */
export async function publishSweepEnd(redis: Redis, queuePrefix: string, event: SweepEvent & { readonly type: 'sweep' }): Promise<boolean> {
  return tellEndOnce(redis, sweepEndToldKey(queuePrefix, event.sweepId), [sweepEventMessage(event)]);
}
