/**
 * A worker's announcements: each run's events for a slice are published on its channel, and its
 * cancel flag is read. One script asks both whether anyone follows the channel (PUBSUB NUMSUB)
 * and whether the flag is set; only when someone follows are the slice's events built, encoded
 * and published, by the same script in a second call. The many runs nobody follows thus cost
 * one script call a slice without any event's JSON; a followed run, a round trip more. Whoever
 * follows the channel when the first call runs receives the events, as when the check and the
 * publishing were one call: a listener that subscribes later hears only later slices.
 * Each announcement is its own call: gathering concurrent ones into pipelines cost the worker
 * more JavaScript than the round trips it saved.
 */
import type { Redis } from './connection.ts';
import { withCommands } from './defined-commands.ts';
import { cancelFlagKey } from './run-cancellation.ts';
import { runChannel, type RunEvent } from './run-events.ts';

export interface Announcement {
  readonly runId: string;
  /** The slice's events, published in order on the run's channel; built only when someone follows it. */
  readonly events: () => readonly RunEvent[];
}

export interface AnnouncementReply {
  /** Listeners that received the last event (0 when there were no events, or nobody follows the run). */
  readonly listeners: number;
  /** Whether the run's cancel flag is set. */
  readonly cancelRequested: boolean;
}

/**
 * KEYS[1] the cancel flag, ARGV[1] the channel, ARGV[2…] the events: publishes them if anyone
 * listens; replies {listeners, flag}, listeners being the channel's subscribers when there are no events.
 */
const announceScript = `
local listeners = redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]
if listeners > 0 then
  for i = 2, #ARGV do listeners = redis.call('PUBLISH', ARGV[1], ARGV[i]) end
end
return {listeners, redis.call('EXISTS', KEYS[1])}`;

interface AnnounceCommand {
  descentAnnounce(cancelFlag: string, channel: string, ...events: string[]): Promise<[number, number]>;
}

const announceCommands = { descentAnnounce: { numberOfKeys: 1, lua: announceScript } };

export function createRunAnnouncer(redis: Redis, queuePrefix: string) {
  const commands = withCommands<AnnounceCommand>(redis, announceCommands);
  return {
    async announce({ runId, events }: Announcement): Promise<AnnouncementReply> {
      const flag = cancelFlagKey(queuePrefix, runId);
      const channel = runChannel(runId);
      let [listeners, cancelled] = await commands.descentAnnounce(flag, channel);
      if (listeners > 0) {
        const encoded = events().map((event) => JSON.stringify(event));
        listeners = 0;
        if (encoded.length > 0) [listeners, cancelled] = await commands.descentAnnounce(flag, channel, ...encoded);
      }
      return { listeners, cancelRequested: cancelled === 1 };
    },
  };
}

export type RunAnnouncer = ReturnType<typeof createRunAnnouncer>;
