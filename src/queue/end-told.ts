/**
 * An end is told once on its sweep's channel: the end of a sweep's trial (its `trial` event) and
 * the end of a sweep (its final `sweep` event) are told only by whoever first sets the end's
 * marker in Redis. Several may come to tell one end: a cancel of a queued trial that removed its
 * job before a round added it, then the worker that takes that job and finds the run ended; a
 * cancel retried after a 503 and the sweep reconciler; a sweep's ender and the sweep reconciler,
 * which tells the end of a sweep that ended lately unless told (its ender found Redis
 * unreachable, or stopped before telling it). Every teller sets the marker (SET NX) and tells
 * only when it set it, by the same call (tellEndOnce, or a worker's announcement: see
 * run-announcer.ts): a call that set the marker has told the end.
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
import { withCommands } from './defined-commands.ts';

/** How long a marker lasts (a day): the sweep reconciler tells the untold end of a sweep that ended within it. */
export const toldLifetimeSeconds = 86_400;

/** The marker of a trial's told end, under the deployment's queue prefix. */
export const runEndToldKey = (queuePrefix: string, runId: string): string => `${queuePrefix}:run:${runId}:end-told`;

/** The marker of a sweep's told end (its final `sweep` event). */
export const sweepEndToldKey = (queuePrefix: string, sweepId: string): string => `${queuePrefix}:sweep:${sweepId}:end-told`;

/** Lua that sets the marker KEYS[i] and is true when this call set it (for a script that tells the end in the same call). */
export const claimEndLua = (key: string): string => `redis.call('SET', ${key}, '1', 'NX', 'EX', ${toldLifetimeSeconds})`;

/**
 * KEYS[1] an end's marker, ARGV[1], ARGV[2], … channels and their messages, in pairs: published,
 * in order, when this call sets the marker; 1 then, else 0.
 */
const tellEndScripts = {
  descentTellEnd: { numberOfKeys: 1, lua: `if ${claimEndLua('KEYS[1]')} then for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end return 1 end return 0` },
};

interface TellEndCommands {
  descentTellEnd(endTold: string, ...channelsAndMessages: string[]): Promise<number>;
}

/**
 * Tells an end (its `messages`, in order) when this call sets its marker `key`, in the same call:
 * an end is never marked told without being told, should Redis be lost between two calls. True
 * when this call told it; false when another teller did, or Redis is unreachable. Never rejects.
 */
export async function tellEndOnce(redis: Redis, key: string, messages: readonly { readonly channel: string; readonly message: string }[]): Promise<boolean> {
  const commands = withCommands<TellEndCommands>(redis, tellEndScripts);
  return (await commands.descentTellEnd(key, ...messages.flatMap(({ channel, message }) => [channel, message])).catch(() => 0)) === 1;
}
