/**
 * An end is told once on its sweep's channel: the end of a sweep's trial (its `trial` event) and
 * the end of a sweep (its final `sweep` event) are told only by whoever first sets the end's
 * marker in Redis. Several may come to tell one end: a cancel of a queued trial that removed its
 * job before a round added it, then the worker that takes that job and finds the run ended; a
 * cancel retried after a 503 and the sweep reconciler; a sweep's ender and the sweep reconciler,
 * which tells the end of a sweep that ended lately unless told (its ender found Redis
 * unreachable, or stopped before telling it). Every teller sets the marker first (SET NX) and
 * tells only when it set it.
 *
 * A trial's final status on its run's channel is not always gated so. A teller that did not
 * drive the run (a cancel, the reconciler, a worker that found it ended: publishStrandedEnd)
 * tells it only when it set the marker; the worker whose attempt ended the run tells it with its
 * last slice's events whoever set the marker, as those are published after the call that sets it
 * (a call sent again after a lost reply finds the marker set by itself: gated, the status would
 * be lost). So the run's channel may hear it twice: a worker that found the run ended, having
 * taken its job over as stalled, told it first, then the worker that ended it tells it again. A
 * run of its own has no marker: its end is told by whoever ended it. A run's followers take a
 * final status told twice as once. The marker lasts a day, longer than any teller comes late.
 */
import type { Redis } from './connection.ts';

/** How long a marker lasts (a day): the sweep reconciler tells the untold end of a sweep that ended within it. */
export const toldLifetimeSeconds = 86_400;

/** The marker of a trial's told end, under the deployment's queue prefix. */
export const runEndToldKey = (queuePrefix: string, runId: string): string => `${queuePrefix}:run:${runId}:end-told`;

/** The marker of a sweep's told end (its final `sweep` event). */
export const sweepEndToldKey = (queuePrefix: string, sweepId: string): string => `${queuePrefix}:sweep:${sweepId}:end-told`;

/** Lua that sets the marker KEYS[i] and is true when this call set it (for a script that tells the end in the same call). */
export const claimEndLua = (key: string): string => `redis.call('SET', ${key}, '1', 'NX', 'EX', ${toldLifetimeSeconds})`;

/** True when this caller set the marker, and so tells the end; rejects when Redis is unreachable. */
export async function claimEnd(redis: Redis, key: string): Promise<boolean> {
  return (await redis.set(key, '1', 'EX', toldLifetimeSeconds, 'NX')) === 'OK';
}
