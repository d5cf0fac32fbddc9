/**
 * Comparing runs, the runs list's filters, search and pages, and how fast the run page of a
 * 1,000,000-step run and the compare view of 5 runs first draw (reported, never asserted).
 */
import { appendFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinal, waitForRun } from '../integration/runs/support.ts';
import { drawnSeries, screenshots, useDashboard } from './support/dashboard.ts';

const dashboard = useDashboard();
const rosenbrock = { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] };
const optimizers = [
  { name: 'adam', learningRate: 0.02 },
  { name: 'sgd', learningRate: 0.0015 },
  { name: 'momentum', learningRate: 0.001, momentum: 0.9 },
  { name: 'rmsprop', learningRate: 0.005 },
  { name: 'adagrad', learningRate: 0.3 },
];
const compared: string[] = [];
let longRun: string;
let benchmarkRun: string;
const pages: Page[] = [];

/** Milliseconds from navigation to the first drawn curves, and to the page being idle. */
async function timeToFirstRender(hash: string, ready: (page: Page) => Promise<unknown>) {
  const page = await dashboard.openPage(hash);
  pages.push(page);
  await page.locator('.curve-plot canvas').first().waitFor({ timeout: 30_000 });
  const firstDrawn = Number(await page.locator('.curve-plot').first().getAttribute('data-first-drawn-at'));
  await ready(page);
  const complete = await page.evaluate('performance.now()') as number;
  if (process.env.DEBUG_TIMING) console.log(await page.evaluate(`JSON.stringify(performance.getEntries().map((e) => [e.name.slice(-60), Math.round(e.startTime), Math.round(e.responseEnd ?? e.duration)]))`));
  return { page, firstDrawn, complete: Math.round(complete) };
}

async function report(name: string, figures: object) {
  console.log(`${name}: ${JSON.stringify(figures)}`);
  await appendFile('test-results/first-render.jsonl', `${JSON.stringify({ name, ...figures, at: new Date().toISOString() })}\n`);
}

beforeAll(async () => {
  for (const optimizer of optimizers) compared.push(await dashboard.submitRun({ objective: rosenbrock, optimizer, training: { maxSteps: 20_000 } }, { wait: false }));
  longRun = await dashboard.submitRun({ objective: rosenbrock, optimizer: { name: 'adam', learningRate: 0.001 }, training: { maxSteps: 1_000_000 } }, { wait: false });
  benchmarkRun = await dashboard.submitRun({ objective: { type: 'benchmark', name: 'himmelblau' }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 300 } }, { wait: false });
  for (const id of [...compared, longRun, benchmarkRun]) await waitForRun(dashboard.testApp.app, dashboard.authorization, id, isFinal, 120_000);
}, 180_000);
afterAll(async () => {
  for (const page of pages) await page.close();
});

describe('compare, filters and first render', () => {
  it('draws the run page of a 1,000,000-step run soon after navigation', async () => {
    const { page, firstDrawn, complete } = await timeToFirstRender(`#/runs/${longRun}`, (page) => page.locator('.contour-plot .trajectory').waitFor());
    expect((await drawnSeries(page)).find((series) => series.label === 'loss')?.values).toBeGreaterThan(100);
    expect(await page.locator('[data-field="steps"]').textContent()).toBe('1000000');
    await report('run page, 1,000,000 steps', { firstCurvesMilliseconds: firstDrawn, withContourMilliseconds: complete });
    await page.screenshot({ path: `${screenshots}/run-1m-steps.png`, fullPage: true });
  });

  it('compares 5 runs: curves on one chart, trajectories on one contour plot, what differs in a table', async () => {
    const page = await dashboard.openPage('');
    pages.push(page);
    for (const id of compared) await page.locator(`[data-compare-id="${id}"]`).check();
    await page.getByRole('button', { name: 'Compare 5' }).click();
    await page.waitForURL(/#\/compare\//);
    await page.locator('.compare-landscape .contour-plot').waitFor({ timeout: 30_000 });
    const lines = (await drawnSeries(page)).filter((series) => series.label.endsWith('· loss'));
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.values).toBeGreaterThan(100);
    expect(await page.locator('.compare-landscape .trajectory').count()).toBe(5);
    expect(await page.locator('.compare-table tbody tr').count()).toBe(5);
    // The columns are what differs: the learning rate does, the objective does not.
    expect(await page.locator('.compare-table thead th code').allTextContents()).toContain('optimizer.learningRate');
    expect(await page.locator('.compare-table thead th code').allTextContents()).not.toContain('objective.expression');
    await page.screenshot({ path: `${screenshots}/compare.png`, fullPage: true });

    // Removing one redraws with four.
    await page.getByRole('button', { name: /^Remove sgd/ }).click();
    await expect.poll(async () => (await drawnSeries(page)).filter((series) => series.label.endsWith('· loss')).length).toBe(4);

    const timed = await timeToFirstRender(`#/compare/${compared.join(',')}`, (fresh) => fresh.locator('.compare-landscape .contour-plot').waitFor());
    await report('compare view, 5 runs of 20,000 steps', { firstCurvesMilliseconds: timed.firstDrawn, withContourMilliseconds: timed.complete });
  });

  it('says why runs on different objectives share no contour plot', async () => {
    const page = await dashboard.openPage(`#/compare/${compared[0]},${benchmarkRun}`);
    pages.push(page);
    await expect.poll(() => page.locator('.compare-landscape .landscape-note').textContent()).toContain('different objectives');
  });

  it('filters the runs list by optimizer and objective, and searches it', async () => {
    const page = await dashboard.openPage('');
    pages.push(page);
    const shownRuns = () => page.locator('.runs [data-run-id]').evaluateAll((links) => links.map((link) => (link as unknown as { dataset: { runId: string } }).dataset.runId));
    await page.locator(`.run-link[data-run-id="${benchmarkRun}"]`).waitFor();
    await page.getByLabel('Optimizer').selectOption('sgd');
    await expect.poll(shownRuns).toEqual([benchmarkRun, compared[1]]);
    await page.getByLabel('Objective').selectOption('benchmark');
    await expect.poll(shownRuns).toEqual([benchmarkRun]);
    await page.screenshot({ path: `${screenshots}/runs-filtered.png`, fullPage: true });
    await page.getByLabel('Optimizer').selectOption('');
    await page.getByLabel('Objective').selectOption('');
    await page.getByLabel('Search runs').fill('himmel');
    await expect.poll(shownRuns).toEqual([benchmarkRun]);
    await page.getByLabel('Search runs').fill(compared[2]!);
    await expect.poll(shownRuns).toEqual([compared[2]]);
    await page.getByLabel('Search runs').fill('no such run');
    await expect.poll(() => page.locator('.runs-page').textContent()).toBe('No runs match.');
  });

  it('pages through the runs list', async () => {
    for (let index = 0; index < 20; index++) {
      await dashboard.submitRun({ objective: { type: 'benchmark', name: 'sphere' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1 } }, { wait: false });
    }
    const page = await dashboard.openPage('');
    pages.push(page);
    await page.locator('.runs [data-run-id]').first().waitFor();
    expect(await page.locator('.runs [data-run-id]').count()).toBe(25);
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => page.locator('.runs [data-run-id]').count()).toBe(2);
    await page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(() => page.locator('.runs [data-run-id]').count()).toBe(25);
    expect(dashboard.pageErrors).toEqual([]);
  });

  it('frames the contour plot on the runs that converge when one diverges', async () => {
    const diverged = await dashboard.submitRun({ objective: rosenbrock, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 300 } });
    const page = await dashboard.openPage(`#/compare/${compared[0]},${diverged}`);
    pages.push(page);
    await page.locator('.compare-landscape .contour-plot').waitFor({ timeout: 30_000 });
    expect(await page.locator('.compare-table [data-run-id] .badge').allTextContents()).toContain('diverged');
    expect(await page.locator('.compare-landscape .trajectory').count()).toBe(2);
    // The frame holds the converging run (Rosenbrock's valley), not the diverged one's 1e150s.
    const ticks = (await page.locator('.compare-landscape .chart-grid text').allTextContents()).map((text) => Number(text.replace('−', '-'))).filter(Number.isFinite);
    expect(Math.max(...ticks.map(Math.abs))).toBeLessThan(10);
    expect(dashboard.pageErrors).toEqual([]);
  });
});
