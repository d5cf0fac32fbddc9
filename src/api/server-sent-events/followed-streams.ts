/**
 * Following one resource (a run, a sweep) over server-sent events, the same way for each:
 *
 * 1. subscribe to the resource's channel first, then read its stored state, so nothing published
 *    in between is lost;
 * 2. open with messages built from the stored state (a client that reconnects, after a
 *    `reconnect` hint or a dropped connection, reads the state afresh: no `Last-Event-ID` needed),
 *    always first: what is published while the state is read is held until they are sent;
 * 3. relay every published message (each encoded once for all its viewers);
 * 4. end with `end` `{}` once the resource reaches a final state, told by a relayed message or,
 *    in case a published message was missed, by one read of the stored state per resource and
 *    interval whatever the number of its viewers.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { connectionLost, type EventListener, type EventMessage } from '../../queue/event-hub.ts';
import { bearerKey } from '../plugins/authentication.ts';
import { createEventStreams, type EventStream, type EventStreamsOptions } from './event-streams.ts';

/** One message to send: its event name, data and optional `id:`. */
export interface OutgoingEvent {
  readonly event: string;
  readonly data: unknown;
  readonly id?: number;
}

export interface Followed<T> {
  /** The resource's id: streams of the same id share their checks of the stored state. */
  readonly id: string;
  /** Starts delivering the resource's published messages; resolves once the subscription is active. */
  subscribe(listener: EventListener): Promise<() => void>;
  /** The stored resource, read afresh. */
  read(): Promise<T>;
  /** Whether the stored resource has reached a final state. */
  isFinal(stored: T): boolean;
  /** The messages a stream opens with, from the stored resource. */
  opening(stored: T): readonly OutgoingEvent[];
  /** The messages sent when a check finds the stored resource final (its final message was missed). */
  closing(stored: T): readonly OutgoingEvent[];
  /** The `id:` of a relayed message, if it has one. */
  messageId(message: EventMessage): number | undefined;
  /** Whether a relayed message says the resource has reached a final state. */
  endsWith(message: EventMessage): boolean;
}

export interface FollowedStreamsOptions extends EventStreamsOptions {
  /** Milliseconds between checks of the stored state, in case a published message was missed. */
  readonly recheckMs?: number;
  /**
   * Whether the API key a stream was opened with is still live, asked every `recheckMs`: a
   * stream of a key revoked meanwhile ends (with a `reconnect` hint, which the key then fails).
   */
  readonly keyIsLive?: (key: string) => Promise<boolean>;
}

/** The streams of one kind of resource in one API process; ends them all (with the hint) when `app` closes. */
export function createFollowedStreams(app: FastifyInstance, { recheckMs = 5_000, keyIsLive, ...options }: FollowedStreamsOptions = {}) {
  const streams = createEventStreams(options);
  // Before the server waits for its connections to end: open streams never would by themselves.
  app.addHook('preClose', (done) => {
    streams.closeAll();
    done();
  });

  /** Streams waiting for their resource's final state, by resource id, with one check per interval. */
  const watched = new Map<string, { ending: Set<(stored: unknown) => void>; timer: NodeJS.Timeout }>();
  function watchFinal<T>(followed: Followed<T>, end: (stored: T) => void): () => void {
    let watch = watched.get(followed.id);
    if (!watch) {
      const ending = new Set<(stored: unknown) => void>();
      const timer = setInterval(async () => {
        try {
          const latest = await followed.read();
          if (followed.isFinal(latest)) for (const listener of [...ending]) listener(latest);
        } catch {
          // A passing database hiccup: the next check tries again.
        }
      }, recheckMs);
      timer.unref();
      watch = { ending, timer };
      watched.set(followed.id, watch);
    }
    const listener = end as (stored: unknown) => void;
    watch.ending.add(listener);
    return () => {
      const current = watched.get(followed.id);
      if (!current) return;
      current.ending.delete(listener);
      if (current.ending.size === 0) {
        clearInterval(current.timer);
        watched.delete(followed.id);
      }
    };
  }

  const sendAll = (stream: EventStream, events: readonly OutgoingEvent[]) => {
    for (const { event, data, id } of events) stream.send(event, data, id);
  };

  /** Takes over the reply and follows the resource until it ends or the client leaves. */
  async function follow<T>(reply: FastifyReply, followed: Followed<T>): Promise<void> {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream = streams.open(reply.raw);
    const finish = () => {
      stream.send('end', {});
      stream.close();
    };

    const relay = (message: EventMessage) => {
      const { type, ...data } = message;
      stream.send(type, data, followed.messageId(message), message);
      if (followed.endsWith(message)) finish();
    };
    /** What was published while the stored state is read, until the opening messages are sent; null after. */
    let held: EventMessage[] | null = [];

    // Subscribe before reading the stored state: nothing published in between is lost. It is held
    // until the stream has opened, so the opening messages come first however long the read takes.
    // Without Redis there are no live events to follow: the client is told to come back.
    let unsubscribe: () => void;
    try {
      unsubscribe = await followed.subscribe((message) => {
        if (message === connectionLost) return stream.drop('live events interrupted');
        if (held) held.push(message);
        else relay(message);
      });
    } catch {
      return stream.drop('live events unavailable');
    }
    stream.onClose(unsubscribe);
    if (stream.closed) return;
    const key = bearerKey(reply.request);
    if (keyIsLive && key !== undefined) {
      const timer = setInterval(() => {
        keyIsLive(key).then((live) => live || stream.drop('API key revoked'), () => undefined);
      }, recheckMs);
      timer.unref();
      stream.onClose(() => clearInterval(timer));
    }

    /** Relays what was held, and from then on what is published. */
    const release = () => {
      const published = held ?? [];
      held = null;
      for (const message of published) relay(message);
    };
    let current: T;
    try {
      current = await followed.read();
    } catch (error) {
      release();
      throw error;
    }
    sendAll(stream, followed.opening(current));
    release();
    if (followed.isFinal(current)) return finish();

    stream.onClose(watchFinal(followed, (latest) => {
      sendAll(stream, followed.closing(latest));
      finish();
    }));
  }

  return { follow };
}
