/**
 * Whether an error means Redis could not be reached: ioredis gave up on a command
 * (`MaxRetriesPerRequestError`, a closed connection, an offline queue it may not use), or the
 * connection's socket failed; or that Redis answers but serves no command of the kind now: it is
 * loading its data, out of memory (`maxmemory` with no eviction), refusing writes after a failed
 * save, a read-only replica, busy with a script, or its primary is down. Like a database outage
 * (src/db/database-unavailable.ts), it is nobody's fault and passes: the API answers 503
 * `queue_unavailable` with `Retry-After`.
 */
const messages = /^(Connection is closed\.|Stream isn't writeable|Reached the max retries per request limit|(LOADING|OOM|MISCONF|READONLY|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) )/;

export function isRedisUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    if (current.name === 'MaxRetriesPerRequestError' || messages.test(current.message)) return true;
  }
  return false;
}
