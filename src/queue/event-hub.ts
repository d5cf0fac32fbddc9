/**
 * Live events for API clients. Workers publish JSON messages on Redis channels, one per run
 * (`descent:run:<runId>`, shapes in run-events.ts) and one per sweep (`descent:sweep:<sweepId>`,
 * sweep-events.ts); each API process keeps ONE subscriber connection for all of them and fans the
 * messages out to the server-sent-event streams watching that channel, subscribing to a channel
 * only while someone listens.
 *
 * When Redis cannot be reached, a subscription fails within `subscribeTimeoutMs` instead of
 * waiting for it, and when the subscriber connection is lost, every listener is handed
 * `connectionLost`: messages published meanwhile are lost, so whoever relays them ends its
 * streams with a reconnect hint rather than leaving them silent.
 */
import { createRedis, closeRedis, type Redis } from './connection.ts';

/** A message as it was published: always an object with a string `type`. */
export interface EventMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

export type EventListener = (message: EventMessage) => void;

/** Handed to every listener when the subscriber connection is lost (compare by identity). */
export const connectionLost: EventMessage = Object.freeze({ type: 'connection_lost' });

class EventsUnavailableError extends Error {
  override readonly name = 'EventsUnavailableError';
}

export interface EventHub {
  /** Starts delivering the channel's messages; resolves once the subscription is active. */
  subscribe(channel: string, listener: EventListener): Promise<() => void>;
  close(): Promise<void>;
}

export function createEventHub(redisUrl: string, { subscribeTimeoutMs = 2_000 } = {}): EventHub {
  let subscriber: Redis | null = null;
  const listeners = new Map<string, Set<EventListener>>();

  function connection(): Redis {
    if (subscriber) return subscriber;
    subscriber = createRedis(redisUrl, 'wait-for-redis');
    let ready = false;
    subscriber.on('ready', () => {
      ready = true;
    });
    subscriber.on('close', () => {
      if (!ready) return;
      ready = false;
      for (const set of [...listeners.values()]) for (const listener of [...set]) listener(connectionLost);
    });
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

  /** Subscriptions Redis has not confirmed yet, by channel: a second listener waits for the first's. */
  const confirming = new Map<string, Promise<unknown>>();

  /** Subscribes the connection to `channel` for `set`, its new (still empty) listeners. */
  async function confirm(channel: string, set: Set<EventListener>): Promise<void> {
    const redis = connection();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EventsUnavailableError(`Redis did not confirm the subscription within ${subscribeTimeoutMs} ms`)), subscribeTimeoutMs);
    });
    try {
      await Promise.race([redis.subscribe(channel), timeout]);
    } catch (error) {
      // The subscription may still go through once Redis is back: undo it then.
      if (listeners.get(channel) === set && set.size === 0) {
        listeners.delete(channel);
        void redis.unsubscribe(channel).catch(() => undefined);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        const confirmed = confirm(channel, set);
        confirming.set(channel, confirmed);
        try {
          await confirmed;
        } finally {
          if (confirming.get(channel) === confirmed) confirming.delete(channel);
        }
      } else if (confirming.has(channel)) {
        // Not active yet: a listener that went on now would read state before it could hear of changes.
        await confirming.get(channel);
        if (listeners.get(channel) !== set) return this.subscribe(channel, listener);
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
      confirming.clear();
      if (subscriber) await closeRedis(subscriber);
      subscriber = null;
    },
  };
}
