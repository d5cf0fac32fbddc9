/**
 * The server-sent-event streams one API process holds open, as one set: what every stream needs
 * is done once for all of them, so a thousand viewers of one run cost little more than one.
 *
 * - A message is encoded once: the frame (`id:`, `event:`, `data:`) of a relayed event is kept
 *   beside the event object the hub hands every subscriber, and written as the same bytes to each.
 * - One keep-alive timer for all streams (a comment line every `heartbeatMs`).
 * - Slow consumers are dropped, not buffered without limit: a stream whose unsent bytes would
 *   pass `maxBufferedBytes` gets a `reconnect` event with a `retry:` hint and is closed (and its
 *   socket destroyed if the client still reads nothing); EventSource reconnects by itself, reads
 *   the run's state afresh and goes on from there.
 * - `closeAll` ends every stream with the same hint, so a process shutting down sends its viewers
 *   to another one instead of leaving them to time out.
 */
import type { ServerResponse } from 'node:http';

export interface EventStreamsOptions {
  /** Milliseconds between keep-alive comments. */
  readonly heartbeatMs?: number;
  /** Unsent bytes a stream may hold before it is dropped as a slow consumer. */
  readonly maxBufferedBytes?: number;
  /** The reconnection delay suggested to dropped clients, in milliseconds. */
  readonly retryMs?: number;
}

export interface EventStream {
  /**
   * Writes one message. `key`, when given, is an object shared by every stream sent the same
   * message (the event the hub relays): its frame is encoded by the first and reused by the rest.
   */
  send(event: string, data: unknown, id?: number, key?: object): void;
  /** Ends the stream. */
  close(): void;
  /** Ends the stream with a `reconnect` hint naming `reason`. */
  drop(reason: string): void;
  readonly closed: boolean;
  /** Called once when the stream closes, whoever closes it. */
  onClose(listener: () => void): void;
}

const keepAlive = Buffer.from(': keep-alive\n\n');

export function encodeEvent(event: string, data: unknown, id?: number): Buffer {
  return Buffer.from(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

interface StreamImplementation extends EventStream {
  write(frame: Buffer): void;
}

export function createEventStreams({ heartbeatMs = 15_000, maxBufferedBytes = 4 * 1024 * 1024, retryMs = 2_000 }: EventStreamsOptions = {}) {
  const open = new Set<StreamImplementation>();
  const frames = new WeakMap<object, Buffer>();
  let heartbeat: NodeJS.Timeout | null = null;
  /** Set by `closeAll`: the reason every stream opened from then on is ended with at once. */
  let shutdown: string | null = null;

  const reconnectFrame = (reason: string) => Buffer.from(`retry: ${retryMs}\nevent: reconnect\ndata: ${JSON.stringify({ reason, retryMs })}\n\n`);

  function startHeartbeat() {
    if (heartbeat) return;
    heartbeat = setInterval(() => {
      for (const stream of open) stream.write(keepAlive);
    }, heartbeatMs);
    heartbeat.unref();
  }

  function openStream(out: ServerResponse): EventStream {
    let closed = false;
    const listeners: (() => void)[] = [];
    const finish = () => {
      if (closed) return;
      closed = true;
      open.delete(stream);
      if (open.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = null;
      }
      for (const listener of listeners) listener();
    };
    const stream: StreamImplementation = {
      get closed() {
        return closed;
      },
      onClose(listener) {
        if (closed) listener();
        else listeners.push(listener);
      },
      write(frame) {
        if (closed) return;
        if (out.writableLength + frame.length > maxBufferedBytes) return stream.drop('slow consumer');
        out.write(frame);
      },
      send(event, data, id, key) {
        if (closed) return;
        let frame = key ? frames.get(key) : undefined;
        if (!frame) {
          frame = encodeEvent(event, data, id);
          if (key) frames.set(key, frame);
        }
        stream.write(frame);
      },
      drop(reason) {
        if (closed) return;
        out.end(reconnectFrame(reason));
        finish();
        // A client that reads nothing never drains the end either: free its socket.
        setTimeout(() => out.destroy(), 5_000).unref();
      },
      close() {
        if (closed) return;
        out.end();
        finish();
      },
    };
    out.on('close', finish);
    open.add(stream);
    startHeartbeat();
    // A request that was already being handled when the process began to shut down opens its
    // stream after `closeAll`: end it the same way, or the server would wait on it forever.
    if (shutdown !== null) stream.drop(shutdown);
    return stream;
  }

  return {
    open: openStream,
    /** Streams open now. */
    get size() {
      return open.size;
    },
    /** Ends every stream with a reconnect hint (a process shutting down), and every stream opened after. */
    closeAll(reason = 'server shutting down') {
      shutdown = reason;
      for (const stream of [...open]) stream.drop(reason);
    },
  };
}

export type EventStreams = ReturnType<typeof createEventStreams>;
