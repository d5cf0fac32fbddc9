/**
 * Whether an error means PostgreSQL could not be reached or dropped the connection (refused,
 * reset, terminated, timed out, unanswering, shutting down, out of connections), as opposed to a statement
 * that failed on its own. Such an error is nobody's fault and passes: the API answers 503
 * `database_unavailable` with `Retry-After`, and a worker waits for the database and keeps its
 * job instead of spending one of the run's attempts on it.
 *
 * It recognises node-postgres errors, the socket errors under them and Prisma's (its own codes
 * and its driver adapter's error kinds), wherever they sit in the `cause` chain.
 */

/** Socket errors of a connection that could not be made or was lost. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that is going away or not taking connections: class 08 (connection
 * exception), admin/crash shutdown, cannot connect now (starting or stopping), too many connections.
 */
const unavailableStates = /^(08...|57P0[123]|53300)$/;

/** Prisma's codes: can't reach, timed out, server closed the connection, no pooled connection in time. */
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Prisma's driver adapter error kinds of the same. */
const adapterKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** node-postgres errors that carry no code, and a statement unanswered within its bound (StatementTimeoutError). */
const driverMessages = /gave no answer to a statement within|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Server has closed the connection/i;

interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly meta?: { readonly driverAdapterError?: { readonly cause?: { readonly kind?: unknown; readonly code?: unknown; readonly originalCode?: unknown } } };
}

function matches(error: ErrorFields): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (socketCodes.has(code) || unavailableStates.test(code) || prismaCodes.has(code))) return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (adapter && typeof adapter.kind === 'string') {
    if (adapterKinds.has(adapter.kind)) return true;
    const state = adapter.code ?? adapter.originalCode;
    if (typeof state === 'string' && unavailableStates.test(state)) return true;
  }
  return typeof error.message === 'string' && driverMessages.test(error.message);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as ErrorFields).cause) {
    seen.add(current);
    if (matches(current as ErrorFields)) return true;
  }
  return false;
}
