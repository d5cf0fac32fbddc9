/** ioredis connections for BullMQ, rate limits and readiness checks. */
import { Redis } from 'ioredis';

export type { Redis };

const lastErrors = new WeakMap<Redis, Error>();

/**
 * What a command does while Redis is away:
 * - `wait-for-redis`: it waits for the reconnection (`maxRetriesPerRequest: null`), as BullMQ
 *   workers, which block on Redis, must;
 * - `fail-fast`: it fails after one reconnection attempt, so an API request never hangs while
 *   Redis is down (the connection reconnects by itself when Redis returns).
 */
export type WhileRedisIsAway = 'wait-for-redis' | 'fail-fast';

export function createRedis(redisUrl: string, whileAway: WhileRedisIsAway): Redis {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: whileAway === 'wait-for-redis' ? null : 1,
    connectTimeout: 5_000,
    lazyConnect: true,
    // Reconnect quickly at first, then every 2 s at most.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Remembered so a failed command can say why (ioredis only says it gave up retrying).
  // Having a listener also keeps ioredis from printing every failed reconnection.
  redis.on('error', (error: Error) => lastErrors.set(redis, error));
  redis.on('ready', () => lastErrors.delete(redis));
  coalesceWrites(redis);
  return redis;
}

/**
 * Sends the commands issued on `redis` during one callback of the event loop (with the promise
 * continuations it sets off) in one write to the socket: the socket is corked at the first and
 * uncorked once they have all run. Concurrent jobs often issue theirs so, the replies that woke
 * them having come together (one coalesced PostgreSQL write, one Redis read); each write on a
 * loopback socket costs a system call here, and a read and a wakeup in Redis. The commands, their
 * order and their replies are those of commands sent one by one; a command waits at most for the
 * rest of its callback (work that continues synchronously after it goes first). BullMQ's
 * blocking connections are duplicates of the connection given it, and do not do this.
 */
function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked = false;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream as Redis['stream'] | undefined;
    if (!corked && socket?.writable) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}

/** Why the connection is down, if it is. */
export function connectionError(redis: Redis): Error | undefined {
  return lastErrors.get(redis);
}

/** Closes a connection politely when it is up, and abruptly when it is not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
