/**
 * Live events for API clients. Workers publish JSON messages on Redis channels, one per run
 * (`descent:run:<runId>`, shapes in run-events.ts) and one per sweep (`descent:sweep:<sweepId>`,
 * sweep-events.ts); each API process keeps ONE subscriber connection for all of them and fans the
 * messages out to the server-sent-event streams watching that channel, subscribing to a channel
 * only while someone listens.
 */
import { createRedis, closeRedis, type Redis } from './connection.ts';

/** A message as it was published: always an object with a string `type`. */
export interface EventMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

export type EventListener = (message: EventMessage) => void;

export interface EventHub {
  /** Starts delivering the channel's messages; resolves once the subscription is active. */
  subscribe(channel: string, listener: EventListener): Promise<() => void>;
  close(): Promise<void>;
}

export function createEventHub(redisUrl: string): EventHub {
  let subscriber: Redis | null = null;
  const listeners = new Map<string, Set<EventListener>>();

  function connection(): Redis {
    if (subscriber) return subscriber;
    subscriber = createRedis(redisUrl, 'worker');
    subscriber.on('message', (channel: string, text: string) => {
      const set = listeners.get(channel);
      if (!set) return;
      let message: EventMessage;
      try {
        message = JSON.parse(text) as EventMessage;
      } catch {
        return;
      }
      if (typeof message?.type !== 'string') return;
      for (const listener of set) listener(message);
    });
    return subscriber;
  }

  return {
    async subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await connection().subscribe(channel);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(channel);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          listeners.delete(channel);
          void subscriber?.unsubscribe(channel).catch(() => undefined);
        }
      };
    },
    async close() {
      listeners.clear();
      if (subscriber) await closeRedis(subscriber);
      subscriber = null;
    },
  };
}
