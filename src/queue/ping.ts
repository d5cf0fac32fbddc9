import { connectionError, type Redis } from './connection.ts';

/** Resolves when Redis answers PING (connecting a lazy connection first); otherwise rejects with the connection's own error. */
export async function pingRedis(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'wait') await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  } catch (error) {
    const reason = connectionError(redis);
    throw reason ? new Error(reason.message, { cause: error }) : error;
  }
}
