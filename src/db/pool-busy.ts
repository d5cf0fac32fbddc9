/**
 * A full pool is not an outage. A caller that waits for a pooled connection beyond the pool's
 * `connectionTimeoutMillis` gets node-postgres's "timeout exceeded when trying to connect"
 * whether every connection is lent to a caller that is using it (most often the service is busy,
 * though callers waiting on a server that stopped answering hold them too) or some of them are still being opened to a server that does not answer
 * (an outage). The two are told apart here, when the wait ends: a wait that ends while every
 * connection of the pool is lent fails with PoolBusyError instead, which the API answers with
 * 503 `service_busy` and a worker retries like an outage (src/worker/outages.ts), rather than
 * 503 `database_unavailable`.
 */
import type pg from 'pg';

/** Every connection of a pool was in use for as long as the caller could wait for one. */
class PoolBusyError extends Error {
  override readonly name = 'PoolBusyError';
  constructor(readonly connections: number, readonly waitedMs: number) {
    super(`all ${connections} connections of the pool stayed in use for ${waitedMs} ms`);
  }
}

/** node-postgres's error of a caller that waited for a pooled connection beyond the pool's bound. */
const poolWaitTimeout = /^timeout exceeded when trying to connect$/;

type Release = (error?: Error | boolean) => void;
type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, release: Release) => void;
type Connect = { (): Promise<pg.PoolClient>; (callback: ConnectCallback): void };

/** Has `pool`'s waits for a connection that end while all its connections are lent fail with PoolBusyError. */
export function reportBusyWaits(pool: pg.Pool): void {
  const { max = 10, connectionTimeoutMillis = 0 } = pool.options;
  let lent = 0;
  pool.on('acquire', () => lent++);
  pool.on('release', () => lent--);
  const busy = (error: Error | undefined): Error | undefined =>
    error && poolWaitTimeout.test(error.message) && lent >= max ? new PoolBusyError(max, connectionTimeoutMillis) : error;
  const connect = pool.connect.bind(pool) as Connect;
  pool.connect = ((callback?: ConnectCallback) => {
    if (!callback) return connect().catch((error: unknown) => Promise.reject(error instanceof Error ? busy(error) : error));
    connect((error, client, release) => callback(busy(error), client, release));
  }) as Connect as typeof pool.connect;
}

/** Whether `error`, or an error in its `cause` chain, is a wait for a pooled connection that a busy pool did not end in time. */
export function isPoolBusy(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (current instanceof PoolBusyError) return true;
  }
  return false;
}
