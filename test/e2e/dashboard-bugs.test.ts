/**
 * The dashboard's chart bugs, each as a user meets it: a live trajectory that collapsed to a
 * straight line, a negative loss that emptied a log-scale chart, tick labels clipped on large
 * values, tick labels that all read 259 on a loss moving in its sixth digit, fractional step
 * ticks, a 422 for the landscape of a run that is not 2-D, and two tabs on a running run spending
 * the per-key rate budget.
 */
import { availableParallelism } from 'node:os';
import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { createStrandedRuns } from '../../src/db/stranded-runs.ts';
import { drawnAxes, drawnSeries, expression, screenshots, segments, useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard();
const open = usePages(dashboard);

describe('dashboard bugs', () => {
  it('draws a loss that is negative throughout on the log scale (symmetric log) instead of "No recorded steps yet"', async () => {
    const id = await dashboard.submitRun({ objective: expression('x^2 + y^2 - 10', [1, 1]), optimizer: { name: 'sgd', learningRate: 0.05 }, training: { maxSteps: 200 } });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    expect(await page.getByRole('checkbox', { name: 'log scale' }).isChecked()).toBe(true);
    expect(await page.getByText('No recorded steps yet').count()).toBe(0);
    const loss = (await drawnSeries(page)).find((series) => series.label === 'loss');
    expect(loss?.values).toBe(200);
    const lossAxis = (await drawnAxes(page)).find((axis) => axis.scale === 'loss');
    expect(lossAxis?.label).toBe('loss (symmetric log)');
    expect(lossAxis?.values.some((value) => value.startsWith('-'))).toBe(true);
    await page.screenshot({ path: `${screenshots}/bug-negative-loss-log-scale.png`, fullPage: true });
  });

  it('writes whole tick labels that fit their axis and do not overlap, on values around 1e113', async () => {
    const id = await dashboard.submitRun({
      objective: expression('1e113 * (x^2 + y^2 + 1)', [1, 1]), optimizer: { name: 'sgd', learningRate: 1e-115 }, training: { maxSteps: 300 },
    });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    for (const logScale of [true, false]) {
      await page.getByRole('checkbox', { name: 'log scale' }).setChecked(logScale);
      const axes = await drawnAxes(page);
      expect(axes.length).toBeGreaterThanOrEqual(2);
      for (const axis of axes) {
        expect(axis.values.length, JSON.stringify(axes)).toBeGreaterThanOrEqual(2);
        // Whole numbers: a mantissa, never a label cut to ".18e113".
        for (const value of axis.values) expect(value).toMatch(/^-?(\d+(\.\d+)?(e-?\d+)?|\d+(\.\d+)?[kM])$/);
        if (axis.scale !== 'x') {
          expect(axis.widestLabel).toBeLessThanOrEqual(axis.room);
          const gaps = axis.positions.slice(1).map((position, index) => Math.abs(position - axis.positions[index]!));
          expect(Math.min(...gaps)).toBeGreaterThanOrEqual(12);
        }
      }
      const steps = axes.find((axis) => axis.scale === 'x')!;
      const gaps = steps.positions.slice(1).map((position, index) => position - steps.positions[index]!);
      expect(Math.min(...gaps)).toBeGreaterThan(steps.widestLabel);
    }
    await page.screenshot({ path: `${screenshots}/bug-large-values.png`, fullPage: true });
  });

  it('labels steps with whole numbers on a run of three steps', async () => {
    const id = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 1]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 3 } });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    const steps = (await drawnAxes(page)).find((axis) => axis.scale === 'x');
    expect(steps?.values.length).toBeGreaterThanOrEqual(2);
    for (const value of steps!.values) expect(Number.isInteger(Number(value))).toBe(true);
    await page.screenshot({ path: `${screenshots}/bug-short-run.png`, fullPage: true });
  });

  it('writes the ticks of a loss that moves only in its sixth digit apart, each the value it marks', async () => {
    // The loss falls from 259.0005 to 259 (and from −258.9995 to −259): 3 significant digits read 259 on every tick.
    for (const [offset, logScales] of [['+ 259', [false]], ['- 259', [true, false]]] as const) {
      const id = await dashboard.submitRun({ objective: expression(`x^2 + y^2 ${offset}`, [0.01, 0.02]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 50 } });
      const page = await open(`#/runs/${id}`);
      await page.locator('.curve-plot canvas').first().waitFor();
      for (const logScale of logScales) {
        await page.getByRole('checkbox', { name: 'log scale' }).setChecked(logScale);
        const loss = (await drawnAxes(page)).find((axis) => axis.scale === 'loss')!;
        const described = JSON.stringify(loss);
        // Labels between the ends too, on the symmetric log axis where no two round values
        // {1, 2, 5}·10^k fall, as on the linear one.
        expect(loss.values.length, described).toBeGreaterThanOrEqual(3);
        expect(new Set(loss.values).size, described).toBe(loss.values.length);
        // Read as numbers, the labels are where they stand: higher up, larger, and (the axis is
        // linear this close) as far apart as their places, to within a fiftieth of the least gap
        // between two (a label is its tick to a hundredth of that gap, the two ends measured too).
        const values = loss.values.map(Number);
        const perPixel = (values.at(-1)! - values[0]!) / (loss.positions.at(-1)! - loss.positions[0]!);
        expect(perPixel, described).toBeLessThan(0);
        const gap = Math.min(...loss.positions.slice(1).map((position, index) => Math.abs(position - loss.positions[index]!)));
        values.forEach((value, index) => {
          const expected = values[0]! + perPixel * (loss.positions[index]! - loss.positions[0]!);
          expect(Math.abs(value - expected), described).toBeLessThanOrEqual(Math.abs(perPixel) * gap / 50);
        });
        await page.locator('.curves-card').screenshot({ path: `${screenshots}/bug-narrow-loss-${offset.startsWith('+') ? 'positive' : 'negative'}-${logScale ? 'symmetric-log' : 'linear'}.png` });
      }
    }
  });

  it('does not ask for the landscape of a run that is not two-dimensional', async () => {
    const id = await dashboard.submitRun({ objective: { type: 'benchmark', name: 'sphere', dimensions: 3 }, optimizer: { name: 'adam', learningRate: 0.05 }, training: { maxSteps: 100 } });
    const page = await open();
    const refused: string[] = [];
    page.on('response', (response) => { if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`); });
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    await page.locator('.landscape-note').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.landscape-note').textContent()).toContain('3 parameters');
    expect(refused).toEqual([]);
  });

  // A concurrent hogwild run with more threads than the machine has cores fails before its first step.
  it.skipIf(availableParallelism() >= 64)('says a model run that ended without a step will draw no contour plot, not that it will once steps come', async () => {
    const id = await dashboard.submitRun({
      objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 200 } }, optimizer: { name: 'sgd' }, training: { maxSteps: 100 },
      parallel: { algorithm: 'hogwild', replicas: availableParallelism() + 1 },
    });
    const page = await open(`#/runs/${id}`);
    await page.locator('.landscape-note').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.landscape-note').textContent()).toBe('No contour plot: the run ended without recording a step.');
  });

  it('says a model run that recorded its steps without parameters draws no contour plot, not that it ended without a step', async () => {
    // More than 100 parameters: its steps are recorded without them. Ended for good by the
    // service (its worker gone, say), its result has no parameters either.
    const id = await dashboard.submitRun({
      objective: { type: 'model', model: 'mlp', hidden: [64], data: { builtin: 'moons', rows: 200 } }, optimizer: { name: 'sgd' }, training: { maxSteps: 1_000_000_000, timeLimitSeconds: 60 },
    }, { wait: false });
    const recorded = async () => (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}/metrics?fields=loss&limit=1`, headers: { authorization: dashboard.authorization } })).json().points.length;
    await expect.poll(recorded, { timeout: 30_000 }).toBe(1);
    const pool = createPool(dashboard.testApp.services.config.databaseUrl, 1);
    try {
      expect(await createStrandedRuns(pool).end(id, { status: 'failed', message: 'Its worker stopped.' })).toMatchObject({ result: { params: null }, sweepId: null });
    } finally {
      await pool.end();
    }
    const page = await open(`#/runs/${id}`);
    await page.locator('.landscape-note').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.run-header .badge').textContent()).toBe('failed');
    expect(await page.locator('.landscape-note').textContent()).toBe('No contour plot: the run records its steps without their parameters.');
  });

  it('keeps two tabs on a running run within a tenth of the rate limit, the trajectory drawn live', async () => {
    const id = await dashboard.submitRun({
      objective: expression('(1 - x)^2 + 100*(y - x^2)^2', [-1.5, 2]), optimizer: { name: 'adam', learningRate: 1e-5 },
      training: { maxSteps: 1_000_000_000, timeLimitSeconds: 60 },
    }, { wait: false });
    const tabs = [await open(`#/runs/${id}`), await open(`#/runs/${id}`)];
    await Promise.all(tabs.map((tab) => tab.locator('.contour-plot .trajectory').waitFor({ timeout: 30_000 })));
    await tabs[0]!.waitForTimeout(2_000);
    const windowSeconds = 30;
    const requests: string[] = [];
    const count = (request: Request) => { if (new URL(request.url()).pathname.startsWith('/v1/')) requests.push(request.url()); };
    for (const tab of tabs) tab.on('request', count);
    const before = segments(await tabs[0]!.locator('.contour-plot .trajectory').getAttribute('d'));
    await tabs[0]!.waitForTimeout(windowSeconds * 1000);
    for (const tab of tabs) tab.off('request', count);

    const { max, windowSeconds: limitWindow } = dashboard.testApp.services.config.rateLimit;
    const budget = (max / limitWindow) * windowSeconds / 10;
    expect(requests.length, requests.join('\n')).toBeLessThanOrEqual(budget);
    // Still running, and the path follows the recorded trajectory rather than a straight line.
    expect(await tabs[0]!.locator('.run-header .badge').textContent()).toBe('running');
    const after = segments(await tabs[0]!.locator('.contour-plot .trajectory').getAttribute('d'));
    expect(after).toBeGreaterThan(20);
    expect(after).toBeGreaterThan(before);
    await tabs[0]!.screenshot({ path: `${screenshots}/bug-live-trajectory.png`, fullPage: true });
    await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: dashboard.authorization } });
  });

  it('follows a running run again after its event stream drops', async () => {
    const id = await dashboard.submitRun({
      objective: expression('(1 - x)^2 + 100*(y - x^2)^2', [-1.5, 2]), optimizer: { name: 'adam', learningRate: 1e-5 },
      training: { maxSteps: 1_000_000_000, timeLimitSeconds: 30 },
    }, { wait: false });
    const page = await open(`#/runs/${id}`);
    const step = async () => Number((await page.locator('[data-field="step"]').textContent())?.split(' ')[0]);
    await expect.poll(step, { timeout: 30_000 }).toBeGreaterThan(0);
    let streams = 0;
    page.on('request', (request) => { if (request.url().endsWith('/events')) streams++; });
    await page.context().setOffline(true);
    await page.waitForTimeout(1_000);
    await page.context().setOffline(false);
    // A new stream, and the progress moves again.
    await expect.poll(() => streams, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    const resumed = await step();
    await expect.poll(step, { timeout: 20_000 }).toBeGreaterThan(resumed);
    expect(await page.locator('.run-header .badge').textContent()).toBe('running');
    await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: dashboard.authorization } });
  });
});
