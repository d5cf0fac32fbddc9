/**
 * Server-sent events as an async iterator, over the client's own fetch (its key, its retries):
 * each message is `{ type, data }` with `data` parsed from its JSON. A stream the server ends
 * early (a `reconnect` message, or a dropped connection before `end`) is opened again after the
 * delay it suggests, so a caller sees one stream from the first message to `end`. A stream
 * opened again starts afresh from the server's state (its opening messages again; nothing
 * published meanwhile is replayed): a run's events fill the gap in (run-events-backfill.ts); a
 * sweep's `trial` messages of trials that ended meanwhile are not said. An API process
 * restarting (a deployment) says `reconnect`, then answers 503 while it closes and nothing until
 * it is back: opening again waits that out too, for a minute after it was last open.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ProblemError } from './problem-error.ts';

export interface ServerEvent {
  readonly type: string;
  readonly data: unknown;
  readonly id?: string;
}

export interface FollowOptions {
  readonly signal?: AbortSignal;
  /** Connections in a row that may end before `end` without one message (default 5). */
  readonly maxReconnects?: number;
  /**
   * How long after the stream was last open (or the caller last had an answer) opening it again
   * may fail as a Descent away for a while fails, in milliseconds (default 60 000: an API
   * process restarting); the wait between attempts doubles from the `retryMs` the server
   * suggests, up to 30 s. The last attempt's error is then the answer.
   */
  readonly maxAwayMs?: number;
  /**
   * Whether the first opening may fail as a Descent away for a while too: the caller had an
   * answer a moment before (submit --wait's POST). Otherwise its failure is the answer at once.
   */
  readonly answeredBefore?: boolean;
  /** Told when opening the stream again failed as a Descent away for a while fails, before waiting `waitMs` to try again. */
  readonly onAway?: (away: { readonly error: unknown; readonly waitMs: number }) => void;
}

/** The longest wait between two attempts to open a stream again. */
const longestReopenWaitMs = 30_000;

/**
 * Whether opening a stream again failed as a Descent that is restarting, or a proxy without it,
 * fails: no answer at all (once the client's own retries gave up), or a 502, 503 or 504.
 * Anything else (a 404 of a deleted run, a 401 of a revoked key) is the answer.
 */
function awayForAWhile(error: unknown): boolean {
  if (error instanceof ProblemError) return error.status === 502 || error.status === 503 || error.status === 504;
  return (error instanceof TypeError && error.message === 'fetch failed') || (error instanceof Error && error.name === 'AnswerTimeoutError');
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
  const { signal, maxReconnects = 5, maxAwayMs = 60_000 } = options;
  let barren = 0;
  /** When the stream was last open, until its connection ended (or the caller had its answer); undefined before. */
  let openAt = options.answeredBefore ? Date.now() : undefined;
  let failedOpens = 0;
  let retryMs = 1000;
  for (;;) {
    let body: ReadableStream<Uint8Array>;
    try {
      body = await open();
      failedOpens = 0;
    } catch (error) {
      // Without an answer before, the first opening's failure is the caller's: a Descent that never answered.
      if (openAt === undefined || signal?.aborted || !awayForAWhile(error) || Date.now() - openAt > maxAwayMs) throw error;
      failedOpens += 1;
      const waitMs = Math.min(longestReopenWaitMs, retryMs * 2 ** (failedOpens - 1));
      options.onAway?.({ error, waitMs });
      await delay(waitMs, signal);
      continue;
    }
    retryMs = 1000;
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
    openAt = Date.now();
    barren = received ? 0 : barren + 1;
    if (barren > maxReconnects) throw new Error(`The event stream ended ${barren} times in a row without a message.`);
    await delay(retryMs, signal);
  }
}
