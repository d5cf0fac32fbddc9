/**
 * The sweep pages in Chromium against the real API and workers: the sweeps list, a sweep's page
 * followed live over its event stream until it ends, the leaderboard with the reason of every
 * pruned trial, each parameter against the metric, the best-so-far plot, the trials' curves
 * overlaid and the optimizer race on one contour plot, and a sweep's page that goes on refreshing
 * after a refresh fails.
 */
import type { Page, Route } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSweepsQueue } from '../../src/queue/sweeps-queue.ts';
import { sweepChannel } from '../../src/queue/sweep-events.ts';
import { subscriberCount } from '../integration/support/server-sent-events.ts';
import { medianPrunedSweep, quadraticBase, waitForSweep } from '../integration/sweeps/support.ts';
import { drawnSeries, screenshots, useDashboard } from './support/dashboard.ts';

const dashboard = useDashboard({}, { sweeps: true });
const pages: Page[] = [];
/** Waits on a condition for as long as the test lets it: a busy machine makes it slower, not red. */
const untilTrue = { timeout: 60_000 };
afterAll(async () => {
  for (const page of pages) await page.close();
});

async function submitSweep(spec: object): Promise<string> {
  const response = await dashboard.testApp.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: dashboard.authorization }, payload: spec });
  if (response.statusCode !== 201) throw new Error(`sweep refused: ${response.body}`);
  return response.json().id;
}

/** A page at `hash`, and the paths it requested once there. */
async function open(hash: string): Promise<{ page: Page; requests: string[] }> {
  const page = await dashboard.openPage('');
  pages.push(page);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  await page.goto(`${dashboard.baseUrl}/${hash}`);
  return { page, requests };
}

const raceOptimizers = ['sgd', 'momentum', 'adam', 'rmsprop'];
const race = {
  name: 'race',
  base: { ...quadraticBase, training: { maxSteps: 300 }, record: { every: 5 } },
  parameters: { 'optimizer.name': { type: 'categorical', values: raceOptimizers } },
  metric: { name: 'finalLoss' },
  sampler: { type: 'grid' },
  parallelism: 2,
};
const pruned = { name: 'learning-rates', ...medianPrunedSweep };

describe('sweep pages', () => {
  it('follows an optimizer race live to its end and draws every optimizer on one contour plot', async () => {
    // The coordinator waits until the page follows the sweep: all it learns after, it learns live.
    const sweepsQueue = createSweepsQueue(dashboard.testApp.services.redis, dashboard.testApp.services.config.queuePrefix);
    await sweepsQueue.pause();
    const id = await submitSweep(race);
    const { page, requests } = await open(`#/sweeps/${id}`);
    await expect.poll(() => page.locator('#sweep-title .badge').textContent(), untilTrue).toBe('queued');
    await expect.poll(() => subscriberCount(dashboard.testApp.services.redis, sweepChannel(id)), untilTrue).toBe(1);
    await sweepsQueue.resume();
    await sweepsQueue.close();
    await expect.poll(() => page.locator('#sweep-title .badge').textContent(), untilTrue).toBe('completed');
    await expect.poll(() => page.locator('.leaderboard tbody tr').count(), untilTrue).toBe(4);
    const done = await waitForSweep(dashboard.testApp.app, dashboard.authorization, id);
    expect(await page.locator('[data-field="result"]').textContent()).toBe(done.result!.message);
    // One stream followed to the end, and the sweep read again only when it said something happened.
    expect(requests.filter((path) => path === `/v1/sweeps/${id}/events`)).toHaveLength(1);

    // The race as the sweep ended: every optimizer's trajectory with its final loss (the view is redrawn once the sweep ends).
    const legend = page.locator('.sweep-compare .compare-landscape .legend-entry');
    await expect.poll(async () => (await legend.allTextContents()).filter((entry) => /final \S+/.test(entry)).length, untilTrue).toBe(4);
    expect(await page.locator('.sweep-compare h2').textContent()).toBe('Optimizer race');
    expect(await page.locator('.sweep-compare .compare-landscape .trajectory').count()).toBe(4);
    expect((await legend.allTextContents()).map((entry) => entry.trim().split(' ')[0]).sort()).toEqual([...raceOptimizers].sort());
    // Every trial's curve on one chart.
    const lines = async () => (await drawnSeries(page, '.sweep-compare .curve-plot')).filter((series) => series.label.endsWith('· loss'));
    await expect.poll(async () => (await lines()).length, untilTrue).toBe(4);
    for (const line of await lines()) expect(line.values).toBeGreaterThan(10);
    // The leaderboard is best first and the best row is the sweep's best.
    const values = (await page.locator('.leaderboard [data-field="value"]').allTextContents()).map(Number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(await page.locator('.leaderboard tr.best').getAttribute('data-run-id')).toBe(done.best!.runId);
    await page.screenshot({ path: `${screenshots}/sweep-race.png`, fullPage: true });
    expect(dashboard.pageErrors).toEqual([]);
  });

  it('explains every pruned trial and plots the parameter against the metric on a log axis', async () => {
    const id = await submitSweep(pruned);
    const done = await waitForSweep(dashboard.testApp.app, dashboard.authorization, id);
    expect(done.trials.pruned).toBeGreaterThan(0);
    const { page } = await open(`#/sweeps/${id}`);
    await page.locator('.leaderboard').waitFor();
    const prunedRows = page.locator('.leaderboard tr[data-status="pruned"]');
    expect(await prunedRows.count()).toBe(done.trials.pruned);
    for (const outcome of await prunedRows.locator('.trial-outcome').allTextContents()) {
      expect(outcome).toMatch(/^Pruned at step \d+: its best loss so far, .*, is worse than .*, the median of \d+ completed trial\(s\) at this step\.$/);
    }
    // Pruned trials come after the finished ones.
    const statuses = await page.locator('.leaderboard tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.indexOf('pruned')).toBeGreaterThan(statuses.lastIndexOf('completed'));

    const plot = page.locator('.parameter-plot[data-parameter="optimizer.learningRate"]');
    expect(await plot.locator('.axis-name').first().textContent()).toBe('optimizer.learningRate (log)');
    expect(await plot.locator('circle.trial-point').count()).toBe(6);
    expect(await plot.locator('circle.status-pruned').count()).toBe(done.trials.pruned);
    // Every trial by number, and the best so far as a step line.
    expect(await page.locator('.sweep-history circle.trial-point').count()).toBe(6);
    expect(await page.locator('.sweep-history .best-so-far').count()).toBe(1);
    // The best trials' curves overlaid, the pruned ones labelled where they stopped.
    await page.locator('.sweep-compare .curve-plot canvas').first().waitFor({ timeout: 0 });
    const labels = (await drawnSeries(page, '.sweep-compare .curve-plot')).map((series) => series.label);
    expect(labels.filter((label) => /pruned at step \d+ · loss$/.test(label))).toHaveLength(done.trials.pruned);
    // Each pruned trial's curve ends in a mark: one drawn point, at the step where it was pruned.
    const marks = (await drawnSeries(page, '.sweep-compare .curve-plot')).filter((series) => series.label.endsWith('· stopped'));
    expect(marks.map((mark) => mark.label.replace(/ · loss · stopped$/, '')).sort()).toEqual(labels.filter((label) => /pruned at step \d+ · loss$/.test(label)).map((label) => label.replace(/ · loss$/, '')).sort());
    for (const mark of marks) expect(mark.values).toBe(1);
    await page.screenshot({ path: `${screenshots}/sweep-pruned.png`, fullPage: true });
    expect(dashboard.pageErrors).toEqual([]);
  });

  it('lists sweeps newest first, filtered by status', async () => {
    const { page } = await open('');
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.waitForURL(/#\/sweeps$/);
    await expect.poll(() => page.locator('.sweeps-table tbody tr').count(), untilTrue).toBe(2);
    expect(await page.locator('.sweeps-table tbody th a').allTextContents()).toEqual(['learning-rates', 'race']);
    expect(await page.locator('.sweeps-table [data-field="trials"]').first().textContent()).toMatch(/^6 of 6 \(\d+ pruned\)$/);
    await page.screenshot({ path: `${screenshots}/sweeps.png`, fullPage: true });
    await page.locator('#sweep-status').selectOption('running');
    await expect.poll(() => page.locator('.sweeps-page').textContent(), untilTrue).toBe('No running sweeps.');
    await page.locator('#sweep-status').selectOption('completed');
    await expect.poll(() => page.locator('.sweeps-table tbody tr').count(), untilTrue).toBe(2);
    await page.locator('.sweeps-table a', { hasText: 'race' }).click();
    await page.waitForURL(/#\/sweeps\/[\w-]+$/);
    await page.locator('.leaderboard').waitFor();
    expect(dashboard.pageErrors).toEqual([]);
  });

  it("keeps the keyboard's focus on a running sweep's page as it refreshes: on the header's link and button, and in the compared trials, never shown loading again", async () => {
    // Trials of 4 s each, one at a time: the sweep runs for a minute, its page refreshed all along.
    const learningRates = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30].map((multiple) => multiple * 1e-9);
    const id = await submitSweep({
      name: 'slow trials', parallelism: 1,
      base: { ...quadraticBase, training: { maxSteps: 100_000_000, timeLimitSeconds: 4 }, record: { every: 1000 } },
      parameters: { 'optimizer.learningRate': { type: 'categorical', values: learningRates } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
    });
    const { page } = await open(`#/sweeps/${id}`);
    const focused = () => page.evaluate(() => {
      type Focusable = { tagName: string; textContent: string; getAttribute(name: string): string | null; closest(selector: string): unknown };
      const element = (globalThis as unknown as { document: { activeElement: Focusable } }).document.activeElement;
      return { tag: element.tagName, text: element.textContent, href: element.getAttribute('href'), inHeader: element.closest('.header-actions') !== null, inCompared: element.closest('.sweep-compare .compare-table') !== null };
    });
    const markFocused = () => page.evaluate(() => { (globalThis as unknown as { document: { activeElement: { dataset: Record<string, string> } } }).document.activeElement.dataset['before'] = 'refresh'; });
    // The header is drawn anew as each trial starts and ends (its status, the Cancel button while the sweep runs).
    const allSweeps = page.locator('.header-actions a[href="#/sweeps"]');
    await allSweeps.focus();
    await markFocused();
    await expect.poll(() => page.locator('.header-actions [data-before]').count(), untilTrue).toBe(0);
    expect(await focused()).toEqual({ tag: 'A', text: 'All sweeps', href: '#/sweeps', inHeader: true, inCompared: false });
    await page.locator('.header-actions button', { hasText: 'Cancel sweep' }).focus();
    await markFocused();
    await expect.poll(() => page.locator('.header-actions [data-before]').count(), untilTrue).toBe(0);
    expect(await focused()).toEqual({ tag: 'BUTTON', text: 'Cancel sweep', href: null, inHeader: true, inCompared: false });

    // The compared trials, with their trajectories: from here on the view is only refreshed.
    const comparedLink = page.locator('.sweep-compare .compare-table tbody tr a').first();
    await comparedLink.waitFor(untilTrue);
    await page.locator('.sweep-compare .compare-landscape .contour-plot').waitFor(untilTrue);
    await page.evaluate(() => {
      type Added = { textContent: string | null };
      const browser = globalThis as unknown as {
        loadingShown: string[];
        document: { querySelector(selector: string): unknown };
        MutationObserver: new (callback: (records: { addedNodes: ArrayLike<Added> }[]) => void) => { observe(target: unknown, options: object): void };
      };
      browser.loadingShown = [];
      new browser.MutationObserver((records) => {
        for (const { addedNodes } of records) for (const node of Array.from(addedNodes)) if (node.textContent?.includes('Loading')) browser.loadingShown.push(node.textContent);
      }).observe(browser.document.querySelector('.sweep-compare'), { childList: true, subtree: true });
    });
    // The best trial so far: still among the 8 compared when the view is refreshed (at most every 20 s).
    const trial = await comparedLink.getAttribute('href');
    await comparedLink.focus();
    await markFocused();
    await expect.poll(() => page.locator('.sweep-compare [data-before]').count(), { timeout: 90_000 }).toBe(0);
    expect(await focused()).toEqual({ tag: 'A', text: expect.any(String), href: trial, inHeader: false, inCompared: true });
    expect(await page.evaluate(() => (globalThis as unknown as { loadingShown: string[] }).loadingShown)).toEqual([]);
    expect(await page.locator('.sweep-compare .compare-landscape .contour-plot').count()).toBe(1);
    await page.screenshot({ path: `${screenshots}/sweep-running-focus-kept.png`, fullPage: true });

    // Cancelled from the keyboard, the sweep's header has no Cancel button any more: the link before it has the focus.
    await page.locator('.header-actions button', { hasText: 'Cancel sweep' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#sweep-title .badge').textContent(), untilTrue).toBe('cancelled');
    await expect.poll(() => page.locator('.header-actions button').count(), untilTrue).toBe(0);
    expect(await focused()).toEqual({ tag: 'A', text: 'All sweeps', href: '#/sweeps', inHeader: true, inCompared: false });
    expect(dashboard.pageErrors).toEqual([]);
  }, 240_000);

  it('goes on refreshing a running sweep\'s page after a refresh fails: the page stays as it was, says so, and asks again without waiting for the next event', async () => {
    // Two trials that run until cancelled, side by side: no event comes while they run.
    const id = await submitSweep({
      name: 'refreshes that fail', parallelism: 2,
      base: { ...quadraticBase, training: { maxSteps: 1_000_000_000, timeLimitSeconds: 240 }, record: { every: 1000 } },
      parameters: { 'optimizer.learningRate': { type: 'categorical', values: [1e-9, 2e-9] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
    });
    const headers = { authorization: dashboard.authorization };
    const sweepView = async () => (await dashboard.testApp.app.inject({ url: `/v1/sweeps/${id}`, headers })).json();
    await expect.poll(async () => (await sweepView()).trials.running, untilTrue).toBe(2);
    const errorsBefore = dashboard.pageErrors.length;
    const { page } = await open(`#/sweeps/${id}`);
    const comparedRows = page.locator('.sweep-compare .compare-table tbody tr');
    await expect.poll(() => comparedRows.count(), untilTrue).toBe(2);
    await expect.poll(() => subscriberCount(dashboard.testApp.services.redis, sweepChannel(id)), untilTrue).toBe(1);

    // The sweep and the runs' views cannot be read for a while (the database is slow to answer)
    // when a trial is cancelled: the event it sends asks for a refresh of the sweep and, later, of the compared trials.
    const unavailable = (route: Route) => route.fulfill({
      status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ status: 503, code: 'database_unavailable', title: 'The database is unavailable', detail: 'PostgreSQL did not answer in time.' }),
    });
    const sweepRead = (url: URL) => url.pathname === `/v1/sweeps/${id}`;
    const runRead = (url: URL) => /^\/v1\/runs\/[\w-]+$/.test(url.pathname);
    await page.route(sweepRead, unavailable);
    await page.route(runRead, unavailable);
    const trials = (await dashboard.testApp.app.inject({ url: `/v1/sweeps/${id}/trials`, headers })).json().items as { runId: string }[];
    const cancelled = await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/runs/${trials[0]!.runId}/cancel`, headers });
    expect(cancelled.statusCode, cancelled.body).toBeLessThan(300);

    // The sweep's refresh fails: what the page showed stays, with a notice under its title.
    const sweepNotice = page.locator('main > .refresh-notice');
    const counts = page.locator('[data-field="counts"]');
    await expect.poll(() => sweepNotice.isVisible(), untilTrue).toBe(true);
    expect(await sweepNotice.textContent()).toBe('The sweep could not be refreshed: PostgreSQL did not answer in time.');
    expect(await counts.textContent()).toBe('2 running');
    await page.screenshot({ path: `${screenshots}/sweep-refresh-failed.png`, fullPage: true });
    // The sweep can be read again: the page reads it with no event to ask for it.
    await page.unroute(sweepRead);
    await expect.poll(() => counts.textContent(), untilTrue).toBe('1 running, 1 cancelled');
    expect(await sweepNotice.isVisible()).toBe(false);

    // The compared trials' refresh fails (their runs' views cannot be read): the two compared stay, with a notice under their title.
    const comparedNotice = page.locator('.sweep-compare .refresh-notice');
    await expect.poll(() => comparedNotice.isVisible(), untilTrue).toBe(true);
    expect(await comparedNotice.textContent()).toBe('The compared runs could not be refreshed: PostgreSQL did not answer in time.');
    expect(await comparedRows.count()).toBe(2);
    // The runs can be read again: the compared trials are read, with no event to ask for it.
    await page.unroute(runRead);
    await expect.poll(() => comparedRows.count(), untilTrue).toBe(1);
    expect(await comparedNotice.isVisible()).toBe(false);
    expect(await page.locator('#sweep-title .badge').textContent()).toBe('running');

    // The sweep ends (cancelled) while it cannot be read: its page reads it as it ended once it can, with no event left to ask for it.
    await page.route(sweepRead, unavailable);
    expect((await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers })).statusCode).toBe(200);
    await expect.poll(() => sweepNotice.isVisible(), untilTrue).toBe(true);
    expect(await page.locator('#sweep-title .badge').textContent()).toBe('running');
    await page.unroute(sweepRead);
    await expect.poll(() => page.locator('#sweep-title .badge').textContent(), untilTrue).toBe('cancelled');
    expect(await sweepNotice.isVisible()).toBe(false);
    expect(await page.locator('[data-field="result"]').textContent()).toBe('A client cancelled the sweep.');
    // What the browser said of the answers refused here, and nothing else.
    const said = dashboard.pageErrors.splice(errorsBefore);
    expect(said.filter((entry) => !entry.includes('503'))).toEqual([]);
    expect(dashboard.pageErrors).toEqual([]);
  }, 240_000);
});
