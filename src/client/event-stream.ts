/**
 * Server-sent events as an async iterator, over the client's own fetch (its key, its retries):
 * each message is `{ type, data }` with `data` parsed from its JSON. A stream the server ends
 * early (a `reconnect` message, or a dropped connection before `end`) is opened again after the
 * delay it suggests, so a caller sees one stream from the first message to `end`.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';

export interface ServerEvent {
  readonly type: string;
  readonly data: unknown;
  readonly id?: string;
}

export interface FollowOptions {
  readonly signal?: AbortSignal;
  /** Connections in a row that may end before `end` without one message (default 5). */
  readonly maxReconnects?: number;
}

/** Reads one connection's messages until it ends. */
export async function* readServerEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const messages = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = messages.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield { type: value.event ?? 'message', data: value.data === '' ? null : JSON.parse(value.data), id: value.id };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Follows a stream across reconnections until its `end` message, which it yields last.
 * `open` returns the body of a fresh connection (or throws the request's error).
 */
export async function* followServerEvents(open: () => Promise<ReadableStream<Uint8Array>>, options: FollowOptions = {}): AsyncGenerator<ServerEvent> {
  const { signal, maxReconnects = 5 } = options;
  let barren = 0;
  for (;;) {
    const body = await open();
    let retryMs = 1000;
    let received = false;
    try {
      for await (const event of readServerEvents(body)) {
        received = true;
        if (event.type === 'reconnect') {
          const suggested = (event.data as { retryMs?: unknown } | null)?.retryMs;
          if (typeof suggested === 'number') retryMs = suggested;
          break;
        }
        yield event;
        if (event.type === 'end') return;
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      // A dropped connection: open another below.
    }
    barren = received ? 0 : barren + 1;
    if (barren > maxReconnects) throw new Error(`The event stream ended ${barren} times in a row without a message.`);
    await delay(retryMs, signal);
  }
}
