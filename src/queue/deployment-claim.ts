/**
 * One queue prefix, one deployment. Two deployments (two databases) sharing a Redis under the
 * same QUEUE_PREFIX would take each other's jobs: a worker would find no such run in its own
 * database and drop the job, stranding the other deployment's run. So the first process of a
 * deployment claims the prefix for its database's identity (src/db/deployment.ts), and a
 * process of another deployment refuses to start on it.
 */
import type { Redis } from './connection.ts';

class QueuePrefixClaimedError extends Error {
  override readonly name = 'QueuePrefixClaimedError';
}

export const deploymentKey = (queuePrefix: string): string => `${queuePrefix}:deployment`;

/** Claims `queuePrefix` for `deploymentId`; throws a QueuePrefixClaimedError when another deployment holds it. */
export async function claimQueuePrefix(redis: Redis, queuePrefix: string, deploymentId: string): Promise<void> {
  const key = deploymentKey(queuePrefix);
  if ((await redis.set(key, deploymentId, 'NX')) === 'OK') return;
  const holder = await redis.get(key);
  if (holder === null || holder === deploymentId) {
    if (holder === null) await redis.set(key, deploymentId, 'NX');
    return;
  }
  throw new QueuePrefixClaimedError(
    `QUEUE_PREFIX=${queuePrefix} is used on this Redis by another deployment (database ${holder}; this database is ${deploymentId}): `
      + 'give each deployment its own QUEUE_PREFIX.',
  );
}
