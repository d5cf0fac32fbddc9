/**
 * Tenants take turns: a tenant's k-th waiting run goes after every other tenant's first k−1, so
 * one tenant's backlog of 50 runs does not make another tenant's single run wait behind it.
 */
import { describe, expect, it } from 'vitest';
import { createTenantKey } from '../support/services.ts';
import { isFinal, postRun, startTestWorker, useTestApi, waitForRun } from './support.ts';

const spec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 0.01 },
  training: { maxSteps: 300 },
  record: { every: 1 },
};

describe('scheduling across tenants', () => {
  const api = useTestApi();

  it("runs a tenant's single run among the first, while another tenant has 50 queued before it", async () => {
    const backlog: string[] = [];
    for (let i = 0; i < 50; i++) backlog.push((await postRun(api.app, api.authorization, spec)).json().id);
    const other = await createTenantKey(api.services.database, 'fair');
    const single = (await postRun(api.app, other.authorization, spec)).json().id as string;

    const worker = await startTestWorker(api.services);
    try {
      await waitForRun(api.app, other.authorization, single, isFinal, 60_000);
      const finishedBefore = await api.services.database.run.count({
        where: { id: { in: backlog }, finishedAt: { lte: (await api.services.database.run.findUniqueOrThrow({ where: { id: single } })).finishedAt! } },
      });
      // Taken with the first of the backlog (the worker runs two at a time), not after it.
      expect(finishedBefore).toBeLessThanOrEqual(2);
      await waitForRun(api.app, api.authorization, backlog.at(-1)!, isFinal, 120_000);
    } finally {
      await worker.close();
    }
  }, 180_000);
});
