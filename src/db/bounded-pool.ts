/**
 * A node-postgres pool whose statements wait a bounded time for PostgreSQL's answer
 * (DATABASE_STATEMENT_TIMEOUT_MS), so that a server which stops answering on an open connection
 * (a frozen host, a partition) fails the statement instead of leaving it waiting until TCP gives
 * up, about a quarter of an hour later.
 *
 * Two bounds, one inside the other. PostgreSQL cancels a statement itself at nine tenths of the
 * bound (`statement_timeout`): a live but slow server answers with its own error (57014) and
 * the connection stays usable. A statement still unanswered at the bound itself is taken to get
 * no answer at all, so its connection's socket is destroyed: the statement fails with
 * StatementTimeoutError, so do the statements queued behind it, node-postgres marks the
 * connection unusable, and the pool discards it as soon as it has ended, whatever its owner does
 * (released-when-ended.ts). A connection whose BEGIN, lock or any statement of a transaction
 * timed out is never lent again mid-transaction, and a COPY stream on it fails at once rather
 * than hear a late answer on a connection it has left.
 *
 * The client-side bound counts from the call to its answer: its callback, its promise, or, for a
 * COPY stream (or any other stream, pg-query-stream's), the stream's end, failure or close. It
 * counts the time a statement waits queued behind the client's earlier ones, as node-postgres
 * sends one at a time: statements given to one client at once share its bound's time. Its timer
 * does not keep the process alive. A submittable that is not a stream (a pg.Query, a pg-cursor
 * Cursor) is not bounded on the client: only PostgreSQL's own bound applies to its statement.
 * The statements of a pool made without a bound (the metrics exports') wait as long as they take.
 *
 * A transaction whose client is gone without the server learning it (a partition, a client
 * whose bound closed its socket while the server's answer was lost) would stay open on the
 * server, "idle in transaction", holding its row locks until the server's TCP keepalive gives up
 * (two hours by default): every later update of those rows would meet PostgreSQL's bound, at
 * every try. So PostgreSQL also ends a session idle in a transaction for the bound
 * (`idle_in_transaction_session_timeout`), unless the pool's transactions legitimately wait that
 * long for their client (`longIdleTransactions`: a dataset upload's, between blocks while its
 * body arrives). A statement of a client gone mid-statement ends at PostgreSQL's own bound at the
 * latest, before the client's; `client_connection_check_interval` would end it sooner, but is not
 * set, as a PostgreSQL before 14 refuses every connection that names it.
 *
 * A caller that waits for a connection beyond `connectionTimeoutMillis` while every connection
 * is lent fails with PoolBusyError (pool-busy.ts): the service is busy, the database is not down.
 *
 * Every connection has TCP keepalive on, so that the kernel finds out, in time, that a peer gone
 * from the network (not one merely frozen, whose kernel still answers) is gone, and an idle
 * connection to it is dropped rather than lent.
 */
import { finished, Readable, Writable } from 'node:stream';
import pg from 'pg';
import { reportBusyWaits } from './pool-busy.ts';
import { releaseWhenEnded } from './released-when-ended.ts';

/** A statement that got no answer within the bound: its connection was closed. */
class StatementTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`PostgreSQL gave no answer to a statement within ${timeoutMs} ms; its connection was closed`);
    this.name = 'StatementTimeoutError';
  }
}

type Callback = (...results: unknown[]) => void;
type QueryArguments = [config: unknown, values?: unknown, callback?: unknown];

const plainQuery = pg.Client.prototype.query as (...args: QueryArguments) => unknown;

/** pg.Client's `query` (every overload of it), each statement bounded by `timeoutMs`. */
function boundedQuery(timeoutMs: number) {
  return function query(this: pg.Client, ...args: QueryArguments): unknown {
    let timer: NodeJS.Timeout | undefined;
    let over = false;
    const done = () => {
      over = true;
      clearTimeout(timer);
    };
    // Armed only once node-postgres has taken the statement: one it refuses at once (no text, a
    // callback that is not a function) throws here, and no timer is left to close the connection later.
    const result = send(this, args, done);
    if (!over) {
      timer = setTimeout(() => this.connection.stream.destroy(new StatementTimeoutError(timeoutMs)), timeoutMs);
      timer.unref();
    }
    return result;
  };
}

/** Sends the statement of `args` on `client`, `done` called once it is answered. */
function send(client: pg.Client, args: QueryArguments, done: () => void): unknown {
  const answered = (callback: Callback): Callback => (...results) => {
    done();
    callback(...results);
  };
  const [config, values, callback] = args;
  const submittable = config as { submit?: unknown; callback?: unknown } | null;
  if (typeof submittable?.submit === 'function') {
    // A COPY stream: pg-copy-streams answers no callback, the stream ends instead. Any other
    // submittable (a pg.Query, a pg-cursor Cursor) is not bounded.
    const result = plainQuery.apply(client, args);
    if (submittable instanceof Readable || submittable instanceof Writable) finished(submittable, done);
    else done();
    return result;
  }
  if (typeof callback === 'function') return plainQuery.call(client, config, values, answered(callback as Callback));
  if (typeof values === 'function') return plainQuery.call(client, config, answered(values as Callback));
  if (typeof submittable?.callback === 'function') return plainQuery.call(client, { ...submittable, callback: answered(submittable.callback as Callback) }, values);
  const result = plainQuery.apply(client, args) as Promise<unknown>;
  result.then(done, done);
  return result;
}

/** The pool's client class: pg.Client with its statements bounded by `timeoutMs`. */
function boundedClient(timeoutMs: number): new () => pg.Client {
  class BoundedClient extends pg.Client {}
  Object.defineProperty(BoundedClient.prototype, 'query', { value: boundedQuery(timeoutMs), writable: true, configurable: true });
  return BoundedClient;
}

/**
 * A pool of `config`, its statements bounded by `statementTimeoutMs` when given, and so its
 * transactions' idle time, unless `longIdleTransactions`. Errors of connections PostgreSQL drops
 * are ignored: the statement in flight rejects with its own.
 */
export function boundedPool(config: pg.PoolConfig, statementTimeoutMs?: number, { longIdleTransactions = false } = {}): pg.Pool {
  const bounded = statementTimeoutMs !== undefined;
  const serverBound = bounded
    ? [
        `-c statement_timeout=${Math.floor(statementTimeoutMs * 0.9)}`,
        ...(longIdleTransactions ? [] : [`-c idle_in_transaction_session_timeout=${statementTimeoutMs}`]),
      ].join(' ')
    : '';
  const pool = new pg.Pool({
    ...config,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: [config.options, serverBound].filter(Boolean).join(' ') || undefined,
    ...(bounded ? { Client: boundedClient(statementTimeoutMs) } : {}),
  });
  // A connection PostgreSQL drops (a restart, a failover, a terminated backend) emits 'error':
  // on the pool while it is idle there, on the client itself while checked out (a COPY
  // transaction, an export). Without a listener either would crash the process; the statement
  // in flight rejects with its own error anyway, and a broken client is not reused.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  releaseWhenEnded(pool);
  reportBusyWaits(pool);
  return pool;
}
