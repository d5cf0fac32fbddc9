/**
 * An end is told once: the end of a sweep's trial (its final `status` on its run's channel and
 * its `trial` event on its sweep's) and the end of a sweep (its final `sweep` event) are told only
 * by whoever first sets the end's marker in Redis. Several may come to tell one end: a cancel of a
 * queued trial that removed its job before a round added it, then the worker that takes that
 * job and finds the run ended; a cancel retried after a 503 and the sweep reconciler. Every
 * teller sets the marker first (SET NX) and tells only when it set it. A run of its own has no
 * marker: its end is told by whoever ended it, and its followers take a final status told twice
 * as once. The marker lasts a day, longer than any teller comes late.
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
