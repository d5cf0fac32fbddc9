/**
 * Waiting in tests for what happens elsewhere (a worker, a stream, another process): poll until
 * a condition holds, bounded by a timeout, never a fixed sleep. The one polling loop of the suite.
 */
export interface PollOptions {
  /** Give up after this long (default 20 s). */
  readonly timeoutMs?: number;
  /** Between two reads (default 20 ms). */
  readonly intervalMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `done` holds for the value read, and answers that value; after `timeoutMs`
 * answers the last value read, so that the assertion after it says what was expected.
 */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, { timeoutMs = 20_000, intervalMs = 20 }: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await pause(intervalMs);
    value = await read();
  }
  return value;
}
