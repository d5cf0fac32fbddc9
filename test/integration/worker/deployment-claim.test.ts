/**
 * Two deployments sharing a Redis: a worker whose database is not the one that claimed the
 * queue prefix refuses to start, instead of taking the other deployment's jobs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deploymentId } from '../../../src/db/deployment.ts';
import { deploymentKey } from '../../../src/queue/deployment-claim.ts';
import { useTestApi } from '../runs/support.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';
import { eventually } from '../../support/eventually.ts';

function exit(child: ReturnType<typeof spawnWorkerProcess>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('the queue prefix of a deployment', () => {
  const api = useTestApi();

  it('is claimed by the first worker; a worker of another deployment refuses to start on it', async () => {
    const { redis, config } = api.services;
    const ours = await deploymentId(api.services.database);
    const first = spawnWorkerProcess(api.services, {}, 'pipe');
    const started = exit(first);
    expect(await eventually(() => redis.get(deploymentKey(config.queuePrefix)), (claim) => claim !== null, { timeoutMs: 15_000, intervalMs: 50 })).toBe(ours);
    first.kill('SIGKILL');
    await started;

    const other = randomUUID();
    await redis.set(deploymentKey(config.queuePrefix), other);
    const refused = await exit(spawnWorkerProcess(api.services, {}, 'pipe'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`QUEUE_PREFIX=${config.queuePrefix} is used on this Redis by another deployment (database ${other}`);
  }, 60_000);
});
