/**
 * What a person met using the dashboard on a service with a realistic mix of runs, each as they
 * met it: a trajectory that stopped 50,000 rows in, a diverged run's log axis and contour plot
 * labelled only at the top or with run-together numbers, curves that vanished for good after one
 * failed refresh, a run's page left as it was before the run ended when the run could not be read
 * as it ended, a zoom undone by the next live rows, failures shown as "not recorded", the runs
 * of a forgotten key still listed, and runs submitted together all called by the same short id.
 */
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { scalarMetricFields } from '../../src/contracts/metric-fields.ts';
import { drawnAxes, expression, screenshots, useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard();
const open = usePages(dashboard);

/** A run that goes on until the test cancels it (or a minute has passed). */
const liveRun = () => dashboard.submitRun({
  objective: expression('(1 - x)^2 + 100*(y - x^2)^2', [-1.5, 2]), optimizer: { name: 'adam', learningRate: 1e-5 },
  training: { maxSteps: 1_000_000_000, timeLimitSeconds: 60 },
}, { wait: false });

const cancel = (id: string) => dashboard.testApp.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: dashboard.authorization } });

/** uPlot's step range on the page's curve chart, and how many steps it holds. */
const stepScale = (page: Page) => page.locator('.curve-plot').first().evaluate((element: unknown) => {
  const chart = (element as { uplot: { scales: { x: { min: number; max: number } }; data: number[][] } }).uplot;
  return { min: chart.scales.x.min, max: chart.scales.x.max, last: chart.data[0]!.at(-1)!, count: chart.data[0]!.length };
});

/** The title of a trajectory's last mark when it ends at `params` (each to 4 significant digits). */
const endsAt = (params: number[]) => new RegExp(`latest \\(${params.map((value) => String(Number(value.toPrecision(4))).replace('.', '\\.')).join(', ')}\\)$`);

describe('dashboard findings', () => {
  it('ends the trajectory of a run with more than 50,000 recorded steps where the run ended', async () => {
    // x + y descends along the diagonal by 1e-4 a step: at step 50,000 it is at (-5, -5), at the end at (-6, -6).
    const id = await dashboard.submitRun({
      objective: expression('x + y', [0, 0]), optimizer: { name: 'sgd', learningRate: 1e-4 }, training: { maxSteps: 60_000 }, record: { every: 1 },
    });
    const page = await open(`#/runs/${id}`);
    const latest = page.locator('.contour-plot .marker-end title');
    await latest.waitFor({ state: 'attached' });
    expect(await latest.textContent()).toMatch(/latest \(-6, -6\)$/);
    await page.screenshot({ path: `${screenshots}/finding-long-trajectory.png`, fullPage: true });
  });

  it('labels the whole log axis of a diverged run, and frames its trajectory where it started', async () => {
    // SGD at 0.3 on x⁴ − 3x² + y² from (2, 1): the loss goes from 5 to about 1e200 in six steps, x to 2e150.
    const id = await dashboard.submitRun({ objective: expression('x^4 - 3*x^2 + y^2', [2, 1]), optimizer: { name: 'sgd', learningRate: 0.3 }, training: { maxSteps: 800 } });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    const loss = (await drawnAxes(page)).find((axis) => axis.scale === 'loss')!;
    // Labels near the run's first losses too, not only in the top forty decades.
    expect(Math.min(...loss.values.map(Number)), loss.values.join(' ')).toBeLessThan(1e20);
    await page.locator('.contour-plot').waitFor();
    // The frame holds the start and the first steps (contours to read), not the whole escape to 2e150.
    const ticks = (await page.locator('.contour-plot .chart-grid text:not(.axis-name)').allTextContents()).map((tick) => Number(tick.replace('−', '-')));
    expect(Math.max(...ticks.map(Math.abs)), ticks.join(' ')).toBeLessThan(100);
    expect(await page.locator('.contour-plot .contour-bands path').count()).toBeGreaterThan(4);
    await page.screenshot({ path: `${screenshots}/finding-diverged-axes.png`, fullPage: true });
  });

  it('frames a diverged run of a stored objective where it started', async () => {
    // The diverging run above moved to (100, 100): the spec names the stored objective only, without its start.
    const stored = await dashboard.testApp.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization: dashboard.authorization },
      payload: { objective: expression('(x - 100)^4 - 3*(x - 100)^2 + (y - 100)^2', [102, 101]) },
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const id = await dashboard.submitRun({ objective: { id: stored.json().id }, optimizer: { name: 'sgd', learningRate: 0.3 }, training: { maxSteps: 800 } });
    const page = await open(`#/runs/${id}`);
    const plot = page.locator('.landscape-card .contour-plot');
    await plot.waitFor();
    expect(await page.locator('.run-header .badge').textContent()).toBe('diverged');
    const box = await Promise.all(['x', 'y', 'width', 'height'].map(async (name) => Number(await plot.locator('.chart-frame').getAttribute(name))));
    const start = await Promise.all(['cx', 'cy'].map(async (name) => Number(await plot.locator('.marker-start').getAttribute(name))));
    expect(start[0]).toBeGreaterThanOrEqual(box[0]!);
    expect(start[0]).toBeLessThanOrEqual(box[0]! + box[2]!);
    expect(start[1]).toBeGreaterThanOrEqual(box[1]!);
    expect(start[1]).toBeLessThanOrEqual(box[1]! + box[3]!);
  });

  it('writes a contour plot\'s ticks as short numbers when its frame spans 1e150', async () => {
    // Halves x and y every step from (1e150, 2e150): the frame runs from about 0 to 2e150.
    const id = await dashboard.submitRun({
      objective: expression('(x / 1e150)^2 + (y / 1e150)^2', [1e150, 2e150]), optimizer: { name: 'sgd', learningRate: 2.5e299 }, training: { maxSteps: 20 },
    });
    const page = await open(`#/runs/${id}`);
    await page.locator('.contour-plot').waitFor();
    const ticks = await page.locator('.contour-plot .chart-grid text:not(.axis-name)').allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (const tick of ticks) expect(tick, ticks.join(' | ')).toMatch(/^[-−]?\d+(\.\d+)?(e-?\d+)?$/);
    for (const tick of ticks) expect(tick.length, ticks.join(' | ')).toBeLessThanOrEqual(8);
    expect(ticks.some((tick) => tick.includes('e14') || tick.includes('e15')), ticks.join(' | ')).toBe(true);
  });

  it('writes a contour plot\'s ticks apart when the frame is narrow for its numbers', async () => {
    const page = await open('');
    // The dashboard's own module, drawing a 2 by 2 landscape framed at [999000, 1001000] × [1e-4, 1.01e-4].
    // (A string: the test runner would rewrite a dynamic import written in a function.)
    const labels = await page.evaluate(`import('/dashboard/charts/contour-plot.js').then(({ renderContourPlot }) => {
      const landscape = {
        runId: 'ticks', variables: ['x', 'y'], xRange: [999000, 1001000], yRange: [1e-4, 1.01e-4],
        x: [999000, 1001000], y: [1e-4, 1.01e-4], values: [[1, 2], [3, 4]], start: [1e6, 1.005e-4], minimum: null,
      };
      const svg = renderContourPlot(landscape, [], { width: 520, height: 420 });
      const texts = (selector) => Array.from(svg.querySelectorAll(selector), (text) => text.textContent);
      return { x: texts('.chart-grid text[text-anchor="middle"]:not(.axis-name)'), y: texts('.chart-grid text[text-anchor="end"]') };
    })`) as { x: string[]; y: string[] };
    for (const axis of [labels.x, labels.y]) {
      expect(axis.length, axis.join(' | ')).toBeGreaterThanOrEqual(3);
      expect(new Set(axis).size, axis.join(' | ')).toBe(axis.length);
      for (const label of axis) expect(label.length, axis.join(' | ')).toBeLessThanOrEqual(9);
    }
  });

  it('writes durations with whole minutes and seconds under 60', async () => {
    const page = await open('');
    // The dashboard's own module (a string: the test runner would rewrite a dynamic import written in a function).
    const texts = await page.evaluate(`import('/dashboard/format.js').then(({ formatDuration }) => [179.6, 150, 7199.7].map(formatDuration))`);
    expect(texts).toEqual(['3 min 0 s', '2 min 30 s', '2 h 0 min']);
  });

  it('keeps a running run\'s curves when one refresh of them fails, and draws them on once the API answers', async () => {
    const id = await liveRun();
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor({ timeout: 30_000 });
    const curves = (url: URL) => url.pathname.endsWith('/metrics') && url.searchParams.has('maxPoints') && url.searchParams.get('fields') !== 'params';
    await page.route(curves, (route) => route.fulfill({
      status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ status: 503, code: 'database_unavailable', title: 'The database is unavailable', detail: 'PostgreSQL did not answer in time.' }),
    }));
    const error = page.locator('.curves-card .error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain('PostgreSQL did not answer in time.');
    expect(await page.locator('.curves-card .curve-plot canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${screenshots}/finding-curves-refresh-failed.png`, fullPage: true });
    await page.unroute(curves);
    await expect.poll(() => error.isVisible()).toBe(false);
    expect(await page.locator('.curves-card .curve-plot canvas').count()).toBeGreaterThan(0);
    await cancel(id);
  });

  it('keeps a run\'s final trajectory and curves when a live refresh sent before the run ended answers after them', async () => {
    const id = await liveRun();
    const page = await open(`#/runs/${id}`);
    await page.locator('.landscape-card .contour-plot').waitFor({ timeout: 30_000 });
    await page.locator('.curve-plot canvas').first().waitFor({ timeout: 30_000 });
    // The next live refresh (trajectory and curves) is read at once and answered only when the test says.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: Promise<unknown>[] = [];
    let heldBoth = () => {};
    const bothHeld = new Promise<void>((resolve) => (heldBoth = resolve));
    const refresh = (url: URL) => url.pathname === `/v1/runs/${id}/metrics` && url.searchParams.has('maxPoints');
    await page.route(refresh, async (route) => {
      if (held.length >= 2) return route.continue();
      const response = route.fetch();
      held.push(response);
      if (held.length === 2) heldBoth();
      await released;
      await route.fulfill({ response: await response });
    });
    await bothHeld;
    await Promise.all(held);
    await cancel(id);
    await expect.poll(() => page.locator('.run-header .badge').textContent(), { timeout: 30_000 }).toBe('cancelled');
    const run = (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json();
    const latest = page.locator('.landscape-card .marker-end title');
    // The final read is drawn: the path ends at the run's result, the curves at its last step.
    await expect.poll(() => latest.textContent(), { timeout: 30_000 }).toMatch(endsAt(run.result.params));
    await expect.poll(async () => (await stepScale(page)).last, { timeout: 30_000 }).toBe(run.result.steps);
    const final = await latest.textContent();
    const stale = held.length;
    const answered = Promise.all([page.waitForResponse((response) => refresh(new URL(response.url()))), page.waitForResponse((response) => refresh(new URL(response.url())))]);
    release();
    await answered;
    // Two frames after the stale answers: the page has read them.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    expect(stale).toBe(2);
    expect(await latest.textContent()).toBe(final);
    expect((await stepScale(page)).last).toBe(run.result.steps);
  });

  it('reads a run as it ended once it can, when it could not be read as it ended, saying so meanwhile', async () => {
    const id = await liveRun();
    const page = await open(`#/runs/${id}`);
    await page.locator('.landscape-card .contour-plot').waitFor({ timeout: 30_000 });
    await page.locator('.curve-plot canvas').first().waitFor({ timeout: 30_000 });
    // The run ends while its view cannot be read: its stream says so, and no event will come after.
    const runRead = (url: URL) => url.pathname === `/v1/runs/${id}`;
    await page.route(runRead, (route) => route.fulfill({
      status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ status: 503, code: 'database_unavailable', title: 'The database is unavailable', detail: 'PostgreSQL did not answer in time.' }),
    }));
    await cancel(id);
    await expect.poll(() => page.locator('.run-header .badge').textContent(), { timeout: 30_000 }).toBe('cancelled');
    const notice = page.locator('main > .refresh-notice');
    await expect.poll(() => notice.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await notice.textContent()).toBe('The run could not be refreshed: PostgreSQL did not answer in time.');
    await page.screenshot({ path: `${screenshots}/finding-ended-run-unread.png`, fullPage: true });
    await page.unroute(runRead);
    // Read once it can be: the notice goes, the path ends at the run's result, the curves at its last step.
    await expect.poll(() => notice.isVisible(), { timeout: 30_000 }).toBe(false);
    const run = (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json();
    await expect.poll(() => page.locator('.landscape-card .marker-end title').textContent(), { timeout: 30_000 }).toMatch(endsAt(run.result.params));
    await expect.poll(async () => (await stepScale(page)).last, { timeout: 30_000 }).toBe(run.result.steps);
  });

  it('keeps the steps zoomed to on a running run while new rows arrive', async () => {
    const id = await liveRun();
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await stepScale(page)).count).toBeGreaterThan(20);
    const box = (await page.locator('.curve-plot .u-over').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = await stepScale(page);
    expect(zoomed.max).toBeLessThan(zoomed.last);
    // New rows are drawn (the last step moves on) and the range read stays.
    await expect.poll(async () => (await stepScale(page)).last, { timeout: 30_000 }).toBeGreaterThan(zoomed.last);
    const after = await stepScale(page);
    expect([after.min, after.max]).toEqual([zoomed.min, zoomed.max]);
    await cancel(id);
  });

  it('says the compared runs\' curves and trajectories could not be loaded instead of "not recorded"', async () => {
    const ids = await Promise.all([0.01, 0.02].map((learningRate) => dashboard.submitRun({
      objective: expression('x^2 + 3*y^2', [1, 1]), optimizer: { name: 'sgd', learningRate }, training: { maxSteps: 100 },
    })));
    const page = await open();
    await page.route((url) => url.pathname.endsWith('/metrics'), (route) => route.abort('connectionrefused'));
    await page.goto(`${dashboard.baseUrl}/#/compare/${ids.join(',')}`);
    const error = page.locator('.curves-card .curves-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('could not be loaded: The API did not answer');
    expect(await page.locator('.curves-card').textContent()).not.toContain('No recorded steps yet.');
    expect(await page.getByText('No recorded steps yet.').isVisible()).toBe(false);
    await expect.poll(() => page.locator('.compare-landscape').textContent()).toContain('The trajectories could not be loaded');
    expect(await page.getByText('not recorded').count()).toBe(0);
    expect(await page.getByText('No recorded parameters').count()).toBe(0);
    await page.screenshot({ path: `${screenshots}/finding-compare-errors.png`, fullPage: true });
  });

  it('downloads a run\'s recorded steps as CSV, and says no time is left once the run has ended', async () => {
    const id = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 30 } });
    const page = await open(`#/runs/${id}`);
    // As in a browser that lets no page write a file of the reader's choosing (Firefox, Safari):
    // the export is saved as a download (streamed into the picked file elsewhere: dashboard-edges).
    await page.addInitScript(() => delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker);
    await page.reload();
    await expect.poll(() => page.locator('[data-field="etaSeconds"]').textContent()).toBe('—');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`run-${id}.csv`);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
    // Every recorded field, the parameters last.
    expect(lines[0]).toBe(['step', ...scalarMetricFields, 'params[0]', 'params[1]'].join(','));
    expect(lines).toHaveLength(31);
    // The last row's parameters are the run's result.
    const run = (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json();
    expect(lines[30]!.startsWith('30,')).toBe(true);
    expect(lines[30]).toContain(String(run.result.params[1]));
  });

  it('says a run page is loading, with no validation boxes for a run without validation data, and offers to try again when the API did not answer', async () => {
    const id = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 30 } });
    const page = await open();
    let refuse = true;
    // After the refusals, the run's requests wait until the page was seen loading.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = (url: URL) => url.pathname.startsWith(`/v1/runs/${id}`);
    await page.route(slow, async (route) => {
      if (refuse) return route.abort('connectionrefused');
      await released;
      return route.continue().catch(() => undefined);
    });
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    await page.getByText('The API did not answer').waitFor();
    refuse = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.run-grid').waitFor();
    expect(await page.locator('.run-grid .card').first().textContent()).toContain('Loading…');
    expect(await page.getByRole('checkbox', { name: 'validation loss' }).isVisible()).toBe(false);
    await page.screenshot({ path: `${screenshots}/finding-run-loading.png`, fullPage: true });
    release();
    await page.locator('.run-header .badge').waitFor({ timeout: 30_000 });
    expect(await page.locator('.run-header .badge').textContent()).toBe('completed');
  });

  it('keeps a running run\'s progress bar inside its row of the list', async () => {
    const id = await liveRun();
    const page = await open('');
    const row = page.locator(`.run-link[data-run-id="${id}"]`);
    await expect.poll(() => row.locator('.run-facts').textContent(), { timeout: 30_000 }).toMatch(/\d{4,} of 1000000000 steps/);
    const [link, bar] = await Promise.all([row.boundingBox(), row.locator('.progress').boundingBox()]);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(link!.x + link!.width);
    await cancel(id);
  });

  it('shows the runs of the search typed last when the answer to an earlier one comes after it', async () => {
    await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 1]), optimizer: { name: 'nesterov', learningRate: 0.1 }, training: { maxSteps: 10 } });
    await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 1]), optimizer: { name: 'adagrad', learningRate: 0.1 }, training: { maxSteps: 10 } });
    const page = await open('');
    await page.locator('.run-row').first().waitFor();
    // The answer to "nesterov" is held until the list shows the answer to "adagrad".
    const nesterov = (url: URL) => url.searchParams.get('search') === 'nesterov';
    let asked = () => {};
    const nesterovAsked = new Promise<void>((resolve) => (asked = resolve));
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(nesterov, async (route) => {
      asked();
      await released;
      await route.continue().catch(() => undefined);
    });
    const search = page.getByRole('searchbox', { name: 'Search runs' });
    await search.fill('nesterov');
    await nesterovAsked;
    await search.fill('adagrad');
    await expect.poll(() => page.locator('.run-row .run-optimizer').allTextContents()).toEqual(['adagrad']);
    const answered = page.waitForResponse((response) => nesterov(new URL(response.url())));
    release();
    await answered;
    // Two frames after the late answer: the page has read it.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    expect(await page.locator('.run-row .run-optimizer').allTextContents()).toEqual(['adagrad']);
  });

  it('frames the compared trajectories of long runs where they started', async () => {
    // 30,000 recorded steps each: downsampled, a path's first point is a bucket's last step, near the minimum.
    const ids = await Promise.all([0.1, 0.05].map((learningRate) => dashboard.submitRun({
      objective: expression('x^2 + 3*y^2', [5, 5]), optimizer: { name: 'sgd', learningRate }, training: { maxSteps: 30_000 }, record: { every: 1 },
    })));
    const page = await open(`#/compare/${ids.join(',')}`);
    const plot = page.locator('.compare-landscape .contour-plot');
    await plot.waitFor({ timeout: 30_000 });
    const inside = await plot.evaluate((svg: unknown) => {
      const root = svg as { querySelector(selector: string): { getAttribute(name: string): string | null } | null; querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> };
      const box = root.querySelector('.chart-frame')!;
      const [x, y, width, height] = ['x', 'y', 'width', 'height'].map((name) => Number(box.getAttribute(name)));
      return Array.from(root.querySelectorAll('.marker-start')).map((marker) => {
        const [cx, cy] = ['cx', 'cy'].map((name) => Number(marker.getAttribute(name)));
        return cx >= x! && cx <= x! + width! && cy >= y! && cy <= y! + height!;
      });
    });
    expect(inside).toEqual([true, true]);
    // The slower run's path goes on from its start by its first step (to (4.5, 3.5)), not by a
    // straight line to step 20 near the minimum.
    const width = Number(await plot.locator('.chart-frame').getAttribute('width'));
    const slower = await page.locator('.compare-landscape path.trajectory').nth(1).getAttribute('d');
    const [start, next] = slower!.split('L').slice(0, 2).map((point) => point.replace('M', '').split(',').map(Number));
    expect(Math.hypot(next![0]! - start![0]!, next![1]! - start![1]!)).toBeLessThan(width / 3);
    await page.screenshot({ path: `${screenshots}/finding-compare-long-start.png`, fullPage: true });
  });

  it('lists runs submitted together under different short ids, and none once the key is forgotten', async () => {
    const spec = { objective: expression('x^2 + y^2', [1, 1]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } };
    const ids = await Promise.all([dashboard.submitRun(spec), dashboard.submitRun(spec)]);
    const page = await open('');
    const shown = await Promise.all(ids.map(async (id) => {
      const code = page.locator(`.run-link[data-run-id="${id}"] code`);
      await code.waitFor();
      return code.textContent();
    }));
    expect(shown[0]).not.toBe(shown[1]);
    expect(await page.getByRole('checkbox', { name: `Compare run ${shown[0]}` }).count()).toBe(1);

    await page.getByRole('button', { name: 'Forget' }).click();
    await expect.poll(() => page.locator('.run-row').count()).toBe(0);
    expect(await page.locator('.runs-page').textContent()).toContain('could not be loaded');
    expect(await page.getByText('No runs yet').count()).toBe(0);
  });
});
