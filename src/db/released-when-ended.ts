/**
 * A pool whose lent connections go back to it (and so are discarded) as soon as they end, their
 * owners' own release then doing nothing. An owner that never releases a dead connection would
 * otherwise hold it out of the pool for good, the pool one connection smaller for each: Prisma's
 * interactive transactions release their connection only once their ROLLBACK or COMMIT succeeds,
 * which on a connection closed by a statement's bound (bounded-pool.ts) or by the server never
 * happens.
 */
import type pg from 'pg';

type Release = (error?: Error | boolean) => void;
type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, release: Release) => void;
type Connect = { (): Promise<pg.PoolClient>; (callback: ConnectCallback): void };

/** `client`, lent just now, released when its connection ends; a release after the first does nothing. */
function releasedWhenEnded(client: pg.PoolClient): pg.PoolClient {
  const release: Release = client.release;
  let released = false;
  const releaseOnce: Release = (error) => {
    if (released) return;
    released = true;
    client.removeListener('end', ended);
    release(error);
  };
  const ended = () => releaseOnce(true);
  client.once('end', ended);
  client.release = releaseOnce;
  return client;
}

export function releaseWhenEnded(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as Connect;
  pool.connect = ((callback?: ConnectCallback) => {
    if (!callback) return connect().then(releasedWhenEnded);
    connect((error, client, release) => {
      if (client) callback(error, client, releasedWhenEnded(client).release);
      else callback(error, client, release);
    });
  }) as Connect as typeof pool.connect;
}
