/**
 * A worker's announcements: each run's events for a slice are published on its channel, and its
 * cancel flag is read. One script asks both whether anyone follows the channel (PUBSUB NUMSUB)
 * and whether the flag is set; only when someone follows are the slice's events built, encoded
 * and published, by the same script in a second call. The many runs nobody follows thus cost
 * one script call a slice without any event's JSON; a followed run, a round trip more. Whoever
 * follows the channel when the first call runs receives the events, as when the check and the
 * publishing were one call: a listener that subscribes later hears only later slices.
 * The announcement of a run's end also gives its tenant's running place back (see
 * src/worker/tenant-admission.ts) in the same call, sparing the run a round trip, and says so
 * on the place as soon as that call answers, whatever happens to the events after; it gives
 * nothing back when the run holds no place (that call sent again after a lost reply). It may carry
 * a message for another channel, published by that call whoever follows the run (a trial's end
 * on its sweep's channel), sparing it another; the same call claims the trial's told end (see
 * end-told.ts), and publishes it only when no other teller told it first. The run's own events,
 * its final status among them, go out whoever claimed it (see end-told.ts).
 * Each announcement is its own call: gathering concurrent ones into pipelines cost the worker
 * more JavaScript than the round trips it saved. The connection still sends the calls of runs
 * whose slices were stored together in one write (see src/queue/connection.ts).
 */
import type { Redis } from './connection.ts';
import { withCommands } from './defined-commands.ts';
import { cancelFlagKey } from './run-cancellation.ts';
import { claimEndLua, runEndToldKey } from './end-told.ts';
import { runChannel, type RunEvent } from './run-events.ts';
import { givePlaceBackLua, type TenantPlace } from './tenant-places.ts';

export interface Announcement {
  readonly runId: string;
  /** The slice's events, published in order on the run's channel; built only when someone follows it. */
  readonly events: () => readonly RunEvent[];
  /** With the run's last slice: its tenant's place, given back by the same call (which sets its `givenBack`). */
  readonly release?: TenantPlace;
  /** With the run's last slice: a message for another channel, published by the same call. */
  readonly also?: { readonly channel: string; readonly message: string };
}

export interface AnnouncementReply {
  /** Listeners that received the last event (0 when there were no events, or nobody follows the run). */
  readonly listeners: number;
  /** Whether the run's cancel flag is set. */
  readonly cancelRequested: boolean;
}

/**
 * Publishes ARGV[i + 1] on channel ARGV[i] unless it is empty (the `also` of an announcement: a
 * trial's end), and then only when it claims the end's marker `key` (see end-told.ts): another
 * teller told it first. A run of its own has no `also`, and sets nothing.
 */
const alsoLua = (i: number, key: string) => `if ARGV[${i}] ~= '' and ${claimEndLua(key)} then redis.call('PUBLISH', ARGV[${i}], ARGV[${i + 1}]) end`;

/**
 * KEYS[1] the cancel flag, KEYS[2] the marker of the trial's told end, ARGV[1] the channel, ARGV[2] and ARGV[3] another channel (or '') and
 * its message, ARGV[4…] the events: publishes the message, and the events if anyone listens;
 * replies {listeners, flag}, listeners being the channel's subscribers when there are no events.
 */
const announceScript = `
${alsoLua(2, 'KEYS[2]')}
local listeners = redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]
if listeners > 0 then
  for i = 4, #ARGV do listeners = redis.call('PUBLISH', ARGV[1], ARGV[i]) end
end
return {listeners, redis.call('EXISTS', KEYS[1])}`;

/**
 * The check of a run's last slice, which gives the run's place back: KEYS[1] the cancel flag,
 * KEYS[2] and KEYS[3] its tenant's running places and parked jobs, KEYS[4] the marker of a
 * trial's told end, ARGV[1] the channel, ARGV[2]
 * the run, ARGV[3] and ARGV[4] another channel (or '') and the message to publish there; replies
 * {listeners, flag, the parked run to promote or nil (also when the run held no place)}.
 */
const announceEndScript = `
${alsoLua(3, 'KEYS[4]')}
local listeners = redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]
${givePlaceBackLua('KEYS[2]', 'KEYS[3]', 'ARGV[2]', true)}
return {listeners, redis.call('EXISTS', KEYS[1]), next}`;

interface AnnounceCommand {
  descentAnnounce(cancelFlag: string, endTold: string, channel: string, alsoChannel: string, alsoMessage: string, ...events: string[]): Promise<[number, number]>;
  descentAnnounceEnd(cancelFlag: string, running: string, parked: string, endTold: string, channel: string, runId: string, alsoChannel: string, alsoMessage: string): Promise<[number, number, string | null]>;
}

const announceCommands = {
  descentAnnounce: { numberOfKeys: 2, lua: announceScript },
  descentAnnounceEnd: { numberOfKeys: 4, lua: announceEndScript },
};

export function createRunAnnouncer(redis: Redis, queuePrefix: string) {
  const commands = withCommands<AnnounceCommand>(redis, announceCommands);
  return {
    async announce({ runId, events, release, also }: Announcement): Promise<AnnouncementReply> {
      const flag = cancelFlagKey(queuePrefix, runId);
      const channel = runChannel(runId);
      const [alsoChannel, alsoMessage] = also ? [also.channel, also.message] : ['', ''];
      // Unused without `also` (the flag's key stands in): a run of its own claims nothing.
      const endTold = also ? runEndToldKey(queuePrefix, runId) : flag;
      const check: [number, number, (string | null)?] = release
        ? await commands.descentAnnounceEnd(flag, release.running, release.parked, endTold, channel, runId, alsoChannel, alsoMessage)
        : await commands.descentAnnounce(flag, endTold, channel, alsoChannel, alsoMessage);
      // Said at once: should the events fail to go out, the run's release must not give the place back again.
      if (release) release.givenBack = { next: check[2] ?? null };
      let [listeners, cancelled] = check;
      if (listeners > 0) {
        const encoded = events().map((event) => JSON.stringify(event));
        listeners = 0;
        if (encoded.length > 0) [listeners, cancelled] = await commands.descentAnnounce(flag, flag, channel, '', '', ...encoded);
      }
      return { listeners, cancelRequested: cancelled === 1 };
    },
  };
}

export type RunAnnouncer = ReturnType<typeof createRunAnnouncer>;
