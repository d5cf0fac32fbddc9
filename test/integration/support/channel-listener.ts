/**
 * A listener to a Redis pub/sub channel (a run's or a sweep's events), for a test that checks
 * what was published on it, and what was not.
 */
import { randomUUID } from 'node:crypto';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { eventually } from '../../support/eventually.ts';

export interface ChannelListener {
  /**
   * The messages published on the channel since the listener subscribed, parsed, up to now:
   * it publishes a marker of its own and answers once the marker came back, so every message
   * published before this call is among them (Redis delivers a channel's messages in the order
   * it took them).
   */
  heard(): Promise<unknown[]>;
  close(): Promise<void>;
}

export async function listenTo(redisUrl: string, channel: string): Promise<ChannelListener> {
  const subscriber = createRedis(redisUrl, 'wait-for-redis');
  const publisher = createRedis(redisUrl, 'wait-for-redis');
  const messages: unknown[] = [];
  subscriber.on('message', (from: string, message: string) => {
    if (from === channel) messages.push(JSON.parse(message));
  });
  await subscriber.subscribe(channel);
  return {
    async heard() {
      const marker = { type: 'test-marker', id: randomUUID() };
      await publisher.publish(channel, JSON.stringify(marker));
      const isMarker = (message: unknown) => (message as { id?: string }).id === marker.id;
      await eventually(() => messages.some(isMarker), (came) => came);
      const at = messages.findIndex(isMarker);
      if (at < 0) throw new Error(`the listener's marker never came back on ${channel}`);
      return messages.slice(0, at).filter((message) => (message as { type: string }).type !== 'test-marker');
    },
    async close() {
      await closeRedis(subscriber);
      await closeRedis(publisher);
    },
  };
}

/** The messages of type `type` heard on `channel` while `work` runs. */
export async function heardDuring(redisUrl: string, channel: string, type: string, work: () => Promise<void>): Promise<unknown[]> {
  const events = await listenTo(redisUrl, channel);
  try {
    await work();
    return (await events.heard()).filter((event) => (event as { type: string }).type === type);
  } finally {
    await events.close();
  }
}
