/**
 * The dashboard's main paths in a real headless Chromium: enter a key, find a finished run,
 * read its curves, result, spec and contour plot, submit a run through the form and watch it
 * finish, and see a field error for a bad spec.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinal, waitForRun } from '../integration/runs/support.ts';
import { minimalSpec } from '../integration/support/services.ts';
import { drawnAxes, drawnSeries, screenshots, segments, useDashboard } from './support/dashboard.ts';

const dashboard = useDashboard();
let page: Page;
let runId: string;

beforeAll(async () => {
  // Submitted, not waited for: a test waits for what it needs, bounded by its own timeout, so a busy machine slows the file down without failing a hook.
  runId = await dashboard.submitRun({ ...minimalSpec, training: { maxSteps: 400, seed: 3 } }, { wait: false });
  page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('response', (response) => { if (response.status() >= 500) dashboard.pageErrors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => dashboard.pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') dashboard.pageErrors.push(message.text()); });
});
afterAll(async () => {
  await page?.close();
});

describe('dashboard', () => {
  it('serves the page, its modules and the chart libraries with types, revalidation and a strict CSP', async () => {
    const response = await fetch(`${dashboard.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    // Our own scripts and the one inline import map, by its hash; nothing else inline, no eval.
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(policy).not.toContain('unsafe');
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    const html = await response.text();
    const importMap = JSON.parse(/<script type="importmap">(.*?)<\/script>/.exec(html)![1]!) as { imports: Record<string, string> };
    expect(Object.keys(importMap.imports)).toEqual(expect.arrayContaining(['uplot', 'd3-contour', 'd3-scale', 'd3-scale-chromatic', 'd3-array']));
    const library = await fetch(`${dashboard.baseUrl}${importMap.imports.uplot}`);
    expect(library.status).toBe(200);
    expect(library.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(library.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Every body is read to its end: a response still being written would keep the server from closing.
    expect(await library.text()).toContain('export');
    const script = await fetch(`${dashboard.baseUrl}/dashboard/runs/run-view.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('export function');
    const again = await fetch(`${dashboard.baseUrl}/dashboard/runs/run-view.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    await again.body?.cancel();
    for (const missing of ['/dashboard/nothing.js', '/dashboard/vendor/uplot@0.0.0/dist/uPlot.esm.js', '/dashboard/../package.json']) {
      const answer = await fetch(`${dashboard.baseUrl}${missing}`);
      expect(answer.status, missing).toBe(404);
      await answer.body?.cancel();
    }
  });

  it('shows a finished run: curves, result, spec and the trajectory on a contour plot', async () => {
    await waitForRun(dashboard.testApp.app, dashboard.authorization, runId, isFinal, Number.POSITIVE_INFINITY);
    await page.goto(dashboard.baseUrl);
    await page.getByLabel('API key').fill(dashboard.key);
    await page.getByRole('button', { name: 'Use key' }).click();
    const link = page.locator(`.run-link[data-run-id="${runId}"]`);
    await link.waitFor();
    expect(await link.locator('.badge').textContent()).toBe('completed');
    await link.click();

    await page.locator('.curve-plot canvas').first().waitFor();
    expect((await drawnSeries(page)).find((series) => series.label === 'loss')?.values).toBeGreaterThan(50);
    expect(await page.locator('[data-field="stopReason"]').textContent()).toBe('max_steps');
    expect(Number(await page.locator('[data-field="finalLoss"]').textContent())).toBeGreaterThanOrEqual(0);
    expect(await page.locator('[data-field="steps"]').textContent()).toBe('400');
    await expect.poll(() => page.locator('table.params tbody th').allTextContents()).toEqual(['x', 'y']);
    expect(await page.locator('[data-spec="optimizer.learningRate"]').textContent()).toBe('0.01');
    expect(await page.locator('[data-spec="training.maxSteps"]').textContent()).toBe('400');

    const trajectory = page.locator('.contour-plot .trajectory');
    await trajectory.waitFor();
    expect(segments(await trajectory.getAttribute('d'))).toBeGreaterThan(50);
    expect(await page.locator('.contour-plot .contour-bands path').count()).toBeGreaterThan(5);
    await page.screenshot({ path: `${screenshots}/run.png`, fullPage: true });

    // The gradient norm on its own axis, and the log scale off.
    await page.getByRole('checkbox', { name: 'gradient norm' }).check();
    await expect.poll(async () => (await drawnSeries(page)).map((series) => series.label)).toContain('gradient norm');
    expect((await drawnAxes(page)).map((axis) => axis.label)).toEqual(['step', 'loss (log)', 'gradient norm (log)']);
    await page.getByRole('checkbox', { name: 'log scale' }).uncheck();
    expect((await drawnAxes(page)).map((axis) => axis.label)).toEqual(['step', 'loss', 'gradient norm']);
    // No validation data: no validation boxes.
    expect(await page.getByRole('checkbox', { name: 'validation loss' }).count()).toBe(0);

    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('.contour-plot').waitFor();
    await page.screenshot({ path: `${screenshots}/run-narrow.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows where early stopping stands', async () => {
    const id = await dashboard.submitRun({
      objective: { type: 'benchmark', name: 'rastrigin', initial: [3.2, -2.1] },
      optimizer: { name: 'sgd', learningRate: 0.5 }, training: { maxSteps: 5000 },
      earlyStopping: { monitor: 'loss', patience: 20 },
    });
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    await page.getByRole('heading', { name: 'Early stopping on loss' }).waitFor();
    expect(await page.locator('[data-field="stopped"]').textContent()).toBe('yes');
    expect(await page.locator('[data-field="stepsSinceBest"]').textContent()).toBe('20 of patience 20');
  });

  it("names a model's parameters by the data's columns and folds a long vector", async () => {
    const id = await dashboard.submitRun({
      objective: { type: 'model', model: 'softmax', data: { builtin: 'iris' }, validationSplit: 0.2 },
      optimizer: { name: 'adam', learningRate: 0.05 }, training: { maxSteps: 300, batchSize: 16 },
    });
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    const folded = page.locator('.params-details');
    await folded.waitFor();
    expect(await folded.getAttribute('open')).toBeNull();
    expect(await folded.locator('summary').textContent()).toBe('Parameters (15)');
    await folded.locator('summary').click();
    await expect.poll(() => folded.locator('tbody th').allTextContents()).toEqual(expect.arrayContaining(['w0_sepalLength', 'w2_petalWidth', 'b2']));
    // Validation data: the validation boxes are there, and the accuracy gets an axis of its own.
    await page.getByRole('checkbox', { name: 'validation accuracy' }).check();
    await expect.poll(async () => (await drawnAxes(page)).map((axis) => axis.label)).toEqual(['step', 'loss (log)', 'accuracy']);
    expect(await page.locator('[data-spec="training.batchSize"]').textContent()).toBe('16');
    await page.screenshot({ path: `${screenshots}/run-model.png`, fullPage: true });
  });

  it('shows what the replicas of a parallel run did: steps, exchanges, staleness, distance to the center', async () => {
    const id = await dashboard.submitRun({
      objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400 }, validationSplit: 0.2 },
      optimizer: { name: 'nesterov', learningRate: 0.05, momentum: 0.9 },
      training: { maxSteps: 400, batchSize: 8 },
      parallel: { algorithm: 'easgd', replicas: 4, execution: 'simulated', communicationPeriod: 4, movingRate: 0.1 },
    });
    const { parallel } = (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json().result;
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    const replicas = page.locator('.replicas');
    await replicas.waitFor();
    expect(await replicas.locator('h3').textContent()).toBe('Replicas: 4 × easgd (simulated)');
    expect(await replicas.locator('.replica-table tbody tr').count()).toBe(4);
    expect(await replicas.locator('.replica-table [data-field="steps"]').allTextContents()).toEqual(parallel.perReplica.map((replica: { steps: number }) => String(replica.steps)));
    expect(await replicas.locator('.replica-table [data-field="exchanges"]').allTextContents()).toEqual(parallel.perReplica.map((replica: { exchanges: number }) => String(replica.exchanges)));
    expect(await replicas.locator('[data-parallel="communicationRounds"]').textContent()).toBe(String(parallel.communicationRounds));
    expect(parallel.staleness).not.toBeNull();
    expect(await replicas.locator('[data-parallel="staleness"]').textContent())
      .toMatch(new RegExp(`^mean [\\d.]+ · median ${parallel.staleness.p50} · p99 ${parallel.staleness.p99} · max ${parallel.staleness.max} \\(over ${parallel.staleness.updates} updates\\)$`));
    expect(await replicas.locator('[data-parallel="centerDistance"]').textContent()).toMatch(/^mean [\d.e-]+ · max [\d.e-]+$/);
    // A single run has no replicas section.
    await page.goto(`${dashboard.baseUrl}/#/runs/${runId}`);
    await page.locator('[data-field="stopReason"]').waitFor();
    expect(await page.locator('.replicas').count()).toBe(0);
    await page.goto(`${dashboard.baseUrl}/#/runs/${id}`);
    await replicas.waitFor();
    await page.screenshot({ path: `${screenshots}/run-parallel.png`, fullPage: true });
  });

  it('submits a run from the form built from the optimizer catalogue and follows it', async () => {
    await page.getByRole('link', { name: 'New run' }).click();
    await page.getByLabel('Algorithm', { exact: true }).selectOption('momentum');
    await page.getByLabel('momentum', { exact: true }).fill('0.8');
    await page.getByLabel('learningRate').fill('0.001');
    await page.getByLabel('maxSteps', { exact: true }).fill('3000');
    await page.screenshot({ path: `${screenshots}/form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Submit run' }).click();

    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const newId = page.url().split('/').at(-1)!;
    expect(newId).not.toBe(runId);
    await page.locator(`.run-link[data-run-id="${newId}"]`).waitFor();
    await page.locator('[data-field="stopReason"]').waitFor({ timeout: 0 });
    expect(await page.locator('[data-field="stopReason"]').textContent()).toBe('max_steps');
    expect(await page.locator('.run-header .badge').textContent()).toBe('completed');
    await expect.poll(async () => (await drawnSeries(page)).find((series) => series.label === 'loss')?.values ?? 0).toBeGreaterThan(50);
    await page.locator('.contour-plot .trajectory').waitFor();
    await waitForRun(dashboard.testApp.app, dashboard.authorization, newId, isFinal, Number.POSITIVE_INFINITY);
    const view = await dashboard.testApp.app.inject({ url: `/v1/runs/${newId}`, headers: { authorization: dashboard.authorization } });
    expect(view.json().spec).toMatchObject({ optimizer: { name: 'momentum', momentum: 0.8, learningRate: 0.001 }, training: { maxSteps: 3000 } });
    await page.screenshot({ path: `${screenshots}/submitted.png`, fullPage: true });
  });

  it('builds every part of the spec from the schema and catalogues: a model on a built-in dataset with a schedule, clipping, noise and early stopping', async () => {
    await page.getByRole('link', { name: 'New run' }).click();
    await page.getByLabel('Kind', { exact: true }).selectOption({ label: 'model' });
    await page.getByLabel('model', { exact: true }).selectOption('softmax');
    await page.getByLabel('data', { exact: true }).selectOption({ label: 'iris' });
    await page.getByLabel('validationSplit').fill('0.2');
    await page.getByLabel('Algorithm', { exact: true }).selectOption('adam');
    await page.getByLabel('learningRate').fill('0.05');
    await page.getByLabel('maxSteps', { exact: true }).fill('400');
    await page.getByLabel('batchSize').fill('16');
    await page.getByRole('checkbox', { name: 'Learning-rate schedule' }).check();
    await page.getByLabel('schedule', { exact: true }).selectOption({ label: 'step' });
    await page.getByLabel('stepSize').fill('100');
    await page.getByLabel('gamma').fill('0.5');
    await page.getByRole('checkbox', { name: 'Gradient clipping' }).check();
    await page.getByLabel('maxNorm').fill('5');
    await page.getByRole('checkbox', { name: 'Gradient noise' }).check();
    await page.getByLabel('variance').fill('0.001');
    await page.getByRole('checkbox', { name: 'Early stopping' }).check();
    await page.getByLabel('patience').fill('50');
    await page.getByLabel('monitor').selectOption('valLoss');
    await page.screenshot({ path: `${screenshots}/form-model.png`, fullPage: true });
    await page.getByRole('button', { name: 'Submit run' }).click();

    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1)!;
    const view = await waitForRun(dashboard.testApp.app, dashboard.authorization, id, isFinal, Number.POSITIVE_INFINITY);
    expect(view.status).not.toBe('failed');
    const spec = (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json().spec;
    expect(spec).toMatchObject({
      objective: { type: 'model', model: 'softmax', data: { builtin: 'iris' }, validationSplit: 0.2 },
      optimizer: { name: 'adam', learningRate: 0.05 },
      training: { maxSteps: 400, batchSize: 16 },
      schedule: { type: 'step', stepSize: 100, gamma: 0.5 },
      clip: { maxNorm: 5 },
      gradientNoise: { variance: 0.001 },
      earlyStopping: { patience: 50, monitor: 'valLoss' },
    });
  });

  it('shows the API validation error next to the field it names', async () => {
    await page.getByRole('link', { name: 'New run' }).click();
    await page.getByLabel('learningRate').fill('-1');
    await page.getByRole('button', { name: 'Submit run' }).click();
    const error = page.locator('.field[data-path="optimizer.learningRate"] .field-error');
    await expect.poll(() => error.textContent()).not.toBe('');
    expect(await page.getByLabel('learningRate').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${screenshots}/field-error.png`, fullPage: true });

    // The same spec as JSON: the error is listed with its path.
    await page.getByRole('radio', { name: 'JSON' }).check();
    const editor = page.getByLabel('Run spec (JSON)');
    const spec = JSON.parse(await editor.inputValue());
    expect(spec.optimizer.learningRate).toBe(-1);
    await page.getByRole('button', { name: 'Submit run' }).click();
    await expect.poll(() => page.locator('.json-errors').textContent()).toContain('optimizer.learningRate');
    expect(dashboard.pageErrors.filter((message) => !/status of 4\d\d/.test(message))).toEqual([]);
  });
});
