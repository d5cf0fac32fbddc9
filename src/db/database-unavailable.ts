/**
 * Whether an error means PostgreSQL could not be reached or dropped the connection (refused,
 * reset, terminated, timed out, unanswering, shutting down, out of connections), or cannot write
 * now (out of disk, read-only), as opposed to a statement
 * that failed on its own. Such an error is nobody's fault and passes: the API answers 503
 * `database_unavailable` with `Retry-After`, and a worker waits for the database and keeps its
 * job instead of spending one of the run's attempts on it.
 *
 * A statement PostgreSQL cancelled at its own bound (`statement_timeout`, which bounded-pool.ts
 * sets at nine tenths of DATABASE_STATEMENT_TIMEOUT_MS) is one too: the server answers, but not in
 * time, whether it is overloaded or the statement waits for a lock a lost session holds. A
 * statement cancelled otherwise (57014 too: pg_cancel_backend, a user's cancel) is not; the
 * service cancels none of its statements on purpose. The two are told apart by the message,
 * which PostgreSQL words in English unless lc_messages says otherwise.
 *
 * A wait for a pooled connection that ended while every connection of the pool was lent
 * (PoolBusyError, pool-busy.ts) is not one: the database answers, the service is busy. A wait
 * that ended while connections were still being opened is.
 *
 * It recognises node-postgres errors, the socket errors under them and Prisma's (its own codes
 * and its driver adapter's error kinds), wherever they sit in the `cause` chain.
 */

import { isPoolBusy } from './pool-busy.ts';

/** Socket errors of a connection that could not be made or was lost. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that is going away, not taking connections or unable to serve any
 * write now: class 08 (connection exception), admin/crash shutdown, cannot connect now (starting
 * or stopping), too many connections, disk full, and read-only (a standby after a failover, or
 * a server put in read-only mode): none is one statement's or one run's fault. Out of memory
 * (53200) is left out: one statement too large for the server meets it every time.
 */
const unavailableStates = /^(08...|57P0[123]|53[13]00|25006)$/;

/** Prisma's codes: can't reach, timed out, server closed the connection, no pooled connection in time. */
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Prisma's driver adapter error kinds of the same. */
const adapterKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** node-postgres errors that carry no code (a wait for a connection beyond the pool's bound while connections were being opened), and a statement unanswered within its bound (StatementTimeoutError). */
const driverMessages = /gave no answer to a statement within|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Server has closed the connection/i;

interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly meta?: { readonly driverAdapterError?: { readonly cause?: { readonly kind?: unknown; readonly code?: unknown; readonly originalCode?: unknown; readonly message?: unknown } } };
}

/** SQLSTATE query_canceled, and the message of the cancel that `statement_timeout` makes. */
const queryCanceled = '57014';
const statementTimeoutMessage = /statement timeout/i;

function matches(error: ErrorFields): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (socketCodes.has(code) || unavailableStates.test(code) || prismaCodes.has(code))) return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (adapter && typeof adapter.kind === 'string') {
    if (adapterKinds.has(adapter.kind)) return true;
    const state = adapter.code ?? adapter.originalCode;
    if (typeof state === 'string' && unavailableStates.test(state)) return true;
  }
  return (typeof error.message === 'string' && driverMessages.test(error.message)) || timedOut(error);
}

/** A statement that PostgreSQL cancelled at its `statement_timeout`, as node-postgres or Prisma's adapter reports it. */
function timedOut(error: ErrorFields): boolean {
  return [error, error.meta?.driverAdapterError?.cause].some((fields) => fields?.code === queryCanceled && typeof fields.message === 'string' && statementTimeoutMessage.test(fields.message));
}

/** Whether some error in the `cause` chain of `error` passes `test`. */
function inChain(error: unknown, test: (fields: ErrorFields) => boolean): boolean {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as ErrorFields).cause) {
    seen.add(current);
    if (test(current as ErrorFields)) return true;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return !isPoolBusy(error) && inChain(error, matches);
}

/**
 * Whether `error` is a statement PostgreSQL cancelled at its own bound: an outage (see above),
 * but also what a statement that is always slow meets at every try, which a worker counts.
 */
export function isStatementTimeout(error: unknown): boolean {
  return inChain(error, timedOut);
}

/** SQLSTATE lock_not_available: a statement waited for a lock beyond its `lock_timeout`. */
const lockNotAvailable = '55P03';

/** Whether `error` is a statement that waited for a lock beyond its `lock_timeout` (not an outage: the lock's holder answers). */
export function isLockTimeout(error: unknown): boolean {
  return inChain(error, (fields) => {
    const adapter = fields.meta?.driverAdapterError?.cause;
    return fields.code === lockNotAvailable || adapter?.code === lockNotAvailable || adapter?.originalCode === lockNotAvailable;
  });
}
