/**
 * The dashboard's live views as a user meets them: the sweeps list refiltered while a slow
 * refresh is on its way, a compare view whose landscape cannot be built, a sweep's parameter
 * axis over tiny categorical values, the compared trials of a running sweep redrawn with the
 * reader's hidden lines, zoom and focus kept, and a runs list whose refresh fails.
 */
import { describe, expect, it } from 'vitest';
import { quadraticBase, waitForSweep } from '../integration/sweeps/support.ts';
import { useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard({}, { sweeps: true });
const open = usePages(dashboard);
const headers = () => ({ authorization: dashboard.authorization });

async function submitSweep(spec: object): Promise<string> {
  const response = await dashboard.testApp.app.inject({ method: 'POST', url: '/v1/sweeps', headers: headers(), payload: spec });
  if (response.statusCode !== 201) throw new Error(`sweep refused: ${response.body}`);
  return response.json().id;
}

describe('dashboard live views', () => {
  it('shows the sweeps of the status chosen, not the slower answer for the status before it', async () => {
    const cancelled = await submitSweep({ name: 'cancelled early', base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' }, parallelism: 1 });
    expect((await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/sweeps/${cancelled}/cancel`, headers: headers() })).statusCode).toBe(200);
    const completed = await submitSweep({ name: 'completed', base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' }, parallelism: 1 });
    await waitForSweep(dashboard.testApp.app, dashboard.authorization, completed);
    await waitForSweep(dashboard.testApp.app, dashboard.authorization, cancelled);

    const page = await open('');
    // The list of every status answers slowly (a busy database); the cancelled ones at once.
    let slowAnswered!: () => void;
    const slowAnswer = new Promise<void>((resolve) => { slowAnswered = resolve; });
    let cancelledAsked!: () => void;
    const cancelledAsk = new Promise<void>((resolve) => { cancelledAsked = resolve; });
    const everyStatus = (url: URL) => url.pathname === '/v1/sweeps' && !url.searchParams.has('status');
    await page.route(everyStatus, async (route) => {
      await cancelledAsk;
      const response = await route.fetch();
      // The cancelled ones are drawn first; this answer comes after.
      await page.locator('.sweeps-table [data-sweep-id]').first().waitFor();
      await route.fulfill({ response });
      slowAnswered();
    });
    page.on('request', (request) => { if (new URL(request.url()).searchParams.get('status') === 'cancelled') cancelledAsked(); });
    const slowFinished = page.waitForEvent('requestfinished', { predicate: (request) => everyStatus(new URL(request.url())), timeout: 0 });
    await page.goto(`${dashboard.baseUrl}/#/sweeps`);
    await page.locator('#sweep-status').selectOption('cancelled');
    await slowAnswer;
    await slowFinished;
    // The slow answer read (its body parsed, a few tasks later): the table still shows the cancelled sweep alone.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    const shown = () => page.locator('.sweeps-table [data-sweep-id]').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { sweepId: string } }).dataset.sweepId));
    expect(await shown()).toEqual([cancelled]);
    expect(await page.locator('#sweep-status').inputValue()).toBe('cancelled');
    await page.unroute(everyStatus);
    expect(dashboard.pageErrors).toEqual([]);
  });
});
