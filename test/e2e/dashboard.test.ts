/**
 * The dashboard in a real headless Chromium against the real API, PostgreSQL, Redis and an
 * in-process worker: enter a key, find a finished run, read its curves, result and contour
 * plot, submit a run through the form and watch it finish, and see a field error for a bad
 * spec. Screenshots go to test-results/dashboard/ for people to look at.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinal, postRun, startTestWorker, waitForRun, type TestWorker } from '../integration/runs/support.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../integration/support/services.ts';

const screenshots = 'test-results/dashboard';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const testApp = useTestApp();
let worker: TestWorker;
let browser: Browser;
let page: Page;
let baseUrl: string;
let key: string;
let authorization: string;
let runId: string;
const pageErrors: string[] = [];

/** Number of drawn segments in an SVG path's data. */
const segments = (d: string | null) => (d?.match(/L/g) ?? []).length;

beforeAll(async () => {
  await testApp.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
  worker = await startTestWorker(testApp.services);
  ({ key, authorization } = await createTenantKey(testApp.services.database, 'dashboard'));
  const response = await postRun(testApp.app, authorization, { ...minimalSpec, training: { maxSteps: 400, seed: 3 } });
  runId = response.json().id;
  await waitForRun(testApp.app, authorization, runId, isFinal);
  await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('response', (response) => { if (response.status() >= 500) pageErrors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
});

describe('dashboard', () => {
  it('serves the page and its assets with types, revalidation and a strict CSP', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    const script = await fetch(`${baseUrl}/dashboard/main.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const again = await fetch(`${baseUrl}/dashboard/main.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${baseUrl}/dashboard/nothing.js`)).status).toBe(404);
  });

  it('shows a finished run: curves, result and the trajectory on a contour plot', async () => {
    await page.goto(baseUrl);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Use key' }).click();
    const link = page.locator(`[data-run-id="${runId}"]`);
    await link.waitFor();
    expect(await link.locator('.badge').textContent()).toBe('completed');
    await link.click();

    const lossLine = page.locator('.chart-line[data-series="loss"]');
    await lossLine.waitFor();
    expect(segments(await lossLine.getAttribute('d'))).toBeGreaterThan(50);
    expect(await page.locator('[data-field="stopReason"]').textContent()).toBe('max_steps');
    expect(Number(await page.locator('[data-field="finalLoss"]').textContent())).toBeGreaterThanOrEqual(0);
    expect(await page.locator('[data-field="steps"]').textContent()).toBe('400');
    expect(await page.locator('table.params tbody th').allTextContents()).toEqual(['x', 'y']);

    const trajectory = page.locator('.contour-plot .trajectory');
    await trajectory.waitFor();
    expect(segments(await trajectory.getAttribute('d'))).toBeGreaterThan(50);
    expect(await page.locator('.contour-plot .contour-lines path').count()).toBeGreaterThan(5);
    await page.screenshot({ path: `${screenshots}/run.png`, fullPage: true });

    // The gradient norm on demand, and the log scale off.
    await page.getByRole('checkbox', { name: 'gradient norm' }).check();
    await page.locator('.chart-line[data-series="gradNorm"]').waitFor();
    await page.getByRole('checkbox', { name: 'log scale' }).uncheck();
    expect(await page.locator('.line-chart').getAttribute('aria-label')).not.toContain('log scale');

    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('.contour-plot').waitFor();
    await page.screenshot({ path: `${screenshots}/run-narrow.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('submits a run from the form built from the optimizer catalogue and follows it', async () => {
    await page.getByRole('link', { name: 'New run' }).click();
    await page.getByLabel('Algorithm').selectOption('momentum');
    await page.getByLabel('momentum', { exact: true }).fill('0.8');
    await page.getByLabel('learningRate').fill('0.001');
    await page.getByLabel('Steps', { exact: true }).fill('3000');
    await page.screenshot({ path: `${screenshots}/form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Submit run' }).click();

    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const newId = page.url().split('/').at(-1)!;
    expect(newId).not.toBe(runId);
    await page.locator(`[data-run-id="${newId}"]`).waitFor();
    await page.locator('[data-field="stopReason"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-field="stopReason"]').textContent()).toBe('max_steps');
    expect(await page.locator('.run-header .badge').textContent()).toBe('completed');
    expect(segments(await page.locator('.chart-line[data-series="loss"]').getAttribute('d'))).toBeGreaterThan(50);
    await page.locator('.contour-plot .trajectory').waitFor();
    await waitForRun(testApp.app, authorization, newId, isFinal);
    const view = await testApp.app.inject({ url: `/v1/runs/${newId}`, headers: { authorization } });
    expect(view.json().spec).toMatchObject({ optimizer: { name: 'momentum', momentum: 0.8, learningRate: 0.001 }, training: { maxSteps: 3000 } });
    await page.screenshot({ path: `${screenshots}/submitted.png`, fullPage: true });
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
    expect(pageErrors.filter((message) => !/status of 4\d\d/.test(message))).toEqual([]);
  });
});
