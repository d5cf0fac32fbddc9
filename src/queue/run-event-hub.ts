/**
 * Live run events for API clients. Workers publish JSON messages on the Redis channel
 * `descent:run:<runId>` (shapes in run-events.ts); each API process keeps ONE subscriber
 * connection and fans the messages out to the server-sent-event streams watching that run,
 * subscribing to a channel only while someone listens.
 */
import { createRedis, closeRedis, type Redis } from './connection.ts';
import { runChannel } from './run-events.ts';

/** A message as the worker published it: `type` is `progress`, `metrics` or `status`. */
export interface RunEventMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

export type RunEventListener = (message: RunEventMessage) => void;

export interface RunEventHub {
  /** Starts delivering the run's messages; resolves once the subscription is active. */
  subscribe(runId: string, listener: RunEventListener): Promise<() => void>;
  close(): Promise<void>;
}

export function createRunEventHub(redisUrl: string): RunEventHub {
  let subscriber: Redis | null = null;
  const listeners = new Map<string, Set<RunEventListener>>();

  function connection(): Redis {
    if (subscriber) return subscriber;
    subscriber = createRedis(redisUrl, 'worker');
    subscriber.on('message', (channel: string, text: string) => {
      const set = listeners.get(channel);
      if (!set) return;
      let message: RunEventMessage;
      try {
        message = JSON.parse(text) as RunEventMessage;
      } catch {
        return;
      }
      if (typeof message?.type !== 'string') return;
      for (const listener of set) listener(message);
    });
    return subscriber;
  }

  return {
    async subscribe(runId, listener) {
      const channel = runChannel(runId);
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
