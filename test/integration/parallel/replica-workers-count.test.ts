/**
 * How many workers serve the replicas queue, as a concurrent parameter-server run asks it while a
 * replica's job waits: counted once every few seconds for all of a process's runs, and, where
 * Redis refuses the question (an ACL without CLIENT), taken to be served, as BullMQ takes it.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createReplicasQueue, replicasQueueName, replicaWorkersCount } from '../../../src/queue/replicas-queue.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function privateRedis(): Promise<PrivateRedis> {
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.close());
  return redis;
}

describe('the count of the replicas queue\'s workers', () => {
  it('counts the workers serving the queue, once every few seconds for every run of the process', async () => {
    const server = await privateRedis();
    const prefix = `test-${randomUUID()}`;
    const connection = createRedis(server.url, 'wait-for-redis');
    cleanups.push(() => closeRedis(connection));
    const queue = createReplicasQueue(connection, prefix);
    cleanups.push(() => queue.close());
    expect(await replicaWorkersCount(queue, prefix, 0)).toBe(0);
    const workerConnection = createRedis(server.url, 'wait-for-redis');
    cleanups.push(() => closeRedis(workerConnection));
    const worker = new Worker(replicasQueueName, async () => undefined, { connection: workerConnection, prefix });
    cleanups.push(() => worker.close());
    await worker.waitUntilReady();
    // Still the count of a moment ago: asked again only once it is older than the cache's time.
    expect(await replicaWorkersCount(queue, prefix, 1_000)).toBe(0);
    expect(await replicaWorkersCount(queue, prefix, 6_000)).toBe(1);
  });

  it('takes the queue to be served where Redis refuses CLIENT LIST to the service\'s user', async () => {
    const server = await privateRedis();
    const admin = createRedis(server.url, 'wait-for-redis');
    cleanups.push(() => closeRedis(admin));
    await admin.call('ACL', 'SETUSER', 'limited', 'on', 'nopass', '+@all', '-client|list', '~*', '&*');
    const url = new URL(server.url);
    url.username = 'limited';
    const connection = createRedis(url.toString(), 'wait-for-redis');
    cleanups.push(() => closeRedis(connection));
    await expect(connection.call('CLIENT', 'LIST')).rejects.toThrow(/NOPERM/);
    const prefix = `test-${randomUUID()}`;
    const queue = createReplicasQueue(connection, prefix);
    cleanups.push(() => queue.close());
    expect(await replicaWorkersCount(queue, prefix, 0)).toBe(1);
  });
});
