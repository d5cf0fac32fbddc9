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

/** The uncorking of every connection corked now: sendCorkedWrites runs them. */
const corked = new Set<() => void>();

/**
 * Sends the commands issued on `redis` during one turn of the event loop in one write to the
 * socket: the socket is corked at the first command and uncorked by `process.nextTick`, that is
 * once the callback that issued it has returned and, when it was issued from a promise
 * continuation (as replies settle them), once the microtask queue has drained, every other
 * continuation then due included. Concurrent jobs often issue theirs so, the replies that woke
 * them having come together (one coalesced PostgreSQL write, one Redis read); each write on a
 * loopback socket costs a system call here, and a read and a wakeup in Redis. The commands, their
 * order and their replies are those of commands sent one by one. A command issued directly in a
 * timer or I/O callback is uncorked before that callback's continuations run, so theirs go in a
 * write of their own. Work that holds the event loop after issuing commands (a run's slice of
 * updates) calls sendCorkedWrites first, so no command waits for it. BullMQ's blocking
 * connections are duplicates of the connection given it, and do not do this.
 */
function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let uncork: (() => void) | null = null;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream as Redis['stream'] | undefined;
    if (!uncork && socket?.writable) {
      socket.cork();
      const release = () => {
        if (uncork !== release) return;
        uncork = null;
        corked.delete(release);
        socket.uncork();
      };
      uncork = release;
      corked.add(release);
      process.nextTick(release);
    }
    return send(command, stream);
  };
}

/** Sends at once what every connection holds corked: called before work that holds the event loop. */
export function sendCorkedWrites(): void {
  for (const release of [...corked]) release();
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
