/**
 * A worker's announcements: each run's events for a slice are published on its channel and,
 * in the same round trip, its cancel flag is read. Concurrent announcements of the process's
 * runs go out together as one pipeline (see Coalescer), so many short runs finishing at once
 * cost one round trip to Redis, not one each.
 */
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Redis } from './connection.ts';
import { cancelFlagKey } from './run-cancellation.ts';
import { runChannel, type RunEvent } from './run-events.ts';

export interface Announcement {
  readonly runId: string;
  /** Published in order on the run's channel. */
  readonly events: readonly RunEvent[];
}

export interface AnnouncementReply {
  /** Listeners that received the last event (0 when there were no events). */
  readonly listeners: number;
  /** Whether the run's cancel flag is set. */
  readonly cancelRequested: boolean;
}

/** Announcements per pipeline, at most, and pipelines in flight at once (one: larger batches, and Redis answers fast). */
const batching = { maxBatch: 64, concurrency: 1 };

export function createRunAnnouncer(redis: Redis, queuePrefix: string) {
  const coalescer = new Coalescer<Announcement, AnnouncementReply>(async (announcements) => {
    const pipeline = redis.pipeline();
    for (const { runId, events } of announcements) {
      for (const event of events) pipeline.publish(runChannel(runId), JSON.stringify(event));
      pipeline.exists(cancelFlagKey(queuePrefix, runId));
    }
    const replies = (await pipeline.exec()) ?? [];
    let next = 0;
    return announcements.map(({ events }) => {
      const own = replies.slice(next, (next += events.length + 1));
      const failed = own.find(([error]) => error);
      if (failed) return { error: failed[0] };
      const counts = own.map(([, value]) => Number(value));
      return { value: { listeners: events.length ? counts[events.length - 1] : 0, cancelRequested: counts[events.length] === 1 } };
    });
  }, batching);

  return {
    announce: (announcement: Announcement): Promise<AnnouncementReply> => coalescer.submit(announcement),
  };
}

export type RunAnnouncer = ReturnType<typeof createRunAnnouncer>;
