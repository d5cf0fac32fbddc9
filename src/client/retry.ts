/**
 * The client's fetch: retries what is safe to retry, so that a script survives a dropped
 * connection, a rate limit or a Redis restart without writing its own loop.
 *
 * - 429 and 503 with `Retry-After`: the server did not act on the request; any method is sent
 *   again after the seconds it names (capped by `maxDelayMs`).
 * - A network error (no response at all): the server may or may not have acted. Reads are sent
 *   again; a POST only when it carries an `Idempotency-Key`, which makes the server answer a
 *   repeat with what it created first. Submissions of runs and sweeps get a fresh key each when
 *   the caller gives none, so they are always retried safely.
 *
 * Between network retries the wait doubles from `initialDelayMs`, with full jitter. A request
 * that fetch refused to send (refusedPort) is not sent again: no attempt can go through.
 */

export interface RetryOptions {
  /** Attempts after the first (default 4); 0 turns retries off. */
  readonly retries?: number;
  /** First wait after a network error, in milliseconds (default 200). */
  readonly initialDelayMs?: number;
  /** The longest wait, whatever `Retry-After` says (default 30 000). */
  readonly maxDelayMs?: number;
  /** Told about each retry before its wait, e.g. to log it. */
  readonly onRetry?: (retry: RetryNotice) => void;
}

export interface RetryNotice {
  readonly method: string;
  readonly url: string;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  /** The status that caused it (429, 503), or the network error's message. */
  readonly reason: number | string;
}

/** The routes whose POST honours `Idempotency-Key` (a test checks this against openapi.yaml). */
export const idempotentSubmissions: readonly string[] = ['/v1/runs', '/v1/sweeps'];

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Whether a POST to `pathname` submits a run or a sweep: Descent's route, under whatever path a proxy serves Descent (`/descent/v1/runs`). */
const isSubmission = (pathname: string): boolean => idempotentSubmissions.some((route) => pathname.endsWith(route));

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether fetch refused to send a request at all for its URL's port: Node's fetch, as browsers
 * do, never connects to the Fetch standard's blocked ports (1, 9, 6000, 6665-6669, …; its "bad
 * port" list), whatever listens there.
 */
export function refusedPort(error: unknown): boolean {
  return error instanceof TypeError && error.cause instanceof Error && error.cause.message === 'bad port';
}

export function retryingFetch(base: (request: Request) => Promise<Response>, options: RetryOptions = {}): (request: Request) => Promise<Response> {
  const { retries = 4, initialDelayMs = 200, maxDelayMs = 30_000, onRetry } = options;
  return async (request) => {
    if (request.method === 'POST' && !request.headers.has('idempotency-key') && isSubmission(new URL(request.url).pathname)) {
      request.headers.set('idempotency-key', crypto.randomUUID());
    }
    const canResend = safeMethods.has(request.method) || request.headers.has('idempotency-key');
    // The body of a Request can be read once: each attempt sends a copy.
    const pristine = request.clone();
    for (let attempt = 1; ; attempt += 1) {
      const current = attempt === 1 ? request : pristine.clone();
      let delayMs: number;
      let reason: number | string;
      try {
        const response = await base(current);
        const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response) : undefined;
        if (wait === undefined || attempt > retries) return response;
        await response.body?.cancel();
        delayMs = Math.min(wait, maxDelayMs);
        reason = response.status;
      } catch (error) {
        if (!canResend || attempt > retries || request.signal.aborted || refusedPort(error)) throw error;
        delayMs = Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
        reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      }
      onRetry?.({ method: request.method, url: request.url, attempt, delayMs, reason });
      await sleep(delayMs, request.signal);
    }
  };
}
