/**
 * A worker's announcements: each run's events for a slice are published on its channel and,
 * in the same round trip, its cancel flag is read, by one script. It publishes only when someone
 * follows the channel (PUBSUB NUMSUB), so the many runs nobody follows cost Redis one script
 * call a slice, not a PUBLISH per event. Each announcement is its own call: gathering concurrent
 * ones into pipelines cost the worker more JavaScript than the round trips it saved.
 */
import type { Redis } from './connection.ts';
import { withCommands } from './defined-commands.ts';
import { cancelFlagKey } from './run-cancellation.ts';
import { runChannel, type RunEvent } from './run-events.ts';

export interface Announcement {
  readonly runId: string;
  /** Published in order on the run's channel. */
  readonly events: readonly RunEvent[];
}

export interface AnnouncementReply {
  /** Listeners that received the last event (0 when there were no events, or nobody follows the run). */
  readonly listeners: number;
  /** Whether the run's cancel flag is set. */
  readonly cancelRequested: boolean;
}

/** KEYS[1] the cancel flag, ARGV[1] the channel, ARGV[2…] the events: publishes them if anyone listens; replies {listeners, flag}. */
const announceScript = `
local listeners = 0
if #ARGV > 1 and redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2] > 0 then
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
      const [listeners, flag] = await commands.descentAnnounce(cancelFlagKey(queuePrefix, runId), runChannel(runId), ...events.map((event) => JSON.stringify(event)));
      return { listeners, cancelRequested: flag === 1 };
    },
  };
}

export type RunAnnouncer = ReturnType<typeof createRunAnnouncer>;
