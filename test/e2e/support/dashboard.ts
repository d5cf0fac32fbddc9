/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core) against the
 * real API, PostgreSQL, Redis and an in-process worker. Screenshots go to
 * test-results/screenshots/ for people to look at.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { isFinal, postRun, startTestWorker, waitForRun, type TestWorker } from '../../integration/runs/support.ts';
import { startTestSweepWorker } from '../../integration/sweeps/support.ts';
import { createTenantKey, useTestApp, type TestApp } from '../../integration/support/services.ts';

export const screenshots = 'test-results/screenshots';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface DashboardHarness {
  readonly testApp: TestApp;
  readonly baseUrl: string;
  readonly key: string;
  readonly authorization: string;
  readonly browser: Browser;
  /** Page errors, console errors and 5xx responses seen by pages opened with `openPage`. */
  readonly pageErrors: string[];
  /** A page with the key stored, at `hash`. */
  openPage(hash?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /**
   * Submits a run through the API and, unless `wait` is false, waits for it to finish (for as
   * long as the test lets it: the test's own timeout bounds the wait, not a clock of its own).
   */
  submitRun(spec: unknown, options?: { wait?: boolean }): Promise<string>;
}

/**
 * Starts the app, a worker, a tenant key and Chromium before the file's tests. With `sweeps`,
 * the worker also coordinates sweeps (as `descent worker` does).
 */
export function useDashboard(overrides: Record<string, string> = {}, { sweeps = false } = {}): DashboardHarness {
  const testApp = useTestApp(overrides);
  const harness = { testApp, pageErrors: [] as string[] } as { -readonly [Field in keyof DashboardHarness]: DashboardHarness[Field] };
  let worker: Pick<TestWorker, 'close'> | undefined;
  beforeAll(async () => {
    // What does not depend on the rest starts at once: on a busy machine the hook's time is the slowest part's, not the sum.
    const browser = chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
    const started = (sweeps ? startTestSweepWorker(testApp.services) : startTestWorker(testApp.services)).then((running) => (worker = running));
    const keyed = createTenantKey(testApp.services.database, 'dashboard');
    await Promise.all([testApp.app.listen({ host: '127.0.0.1', port: 0 }), mkdir(screenshots, { recursive: true }), started]);
    harness.baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
    ({ key: harness.key, authorization: harness.authorization } = await keyed);
    harness.browser = await browser;
  });
  afterAll(async () => {
    await harness.browser?.close();
    await worker?.close();
  });
  harness.openPage = async (hash = '', viewport = { width: 1280, height: 900 }) => {
    const page = await harness.browser.newPage({ viewport });
    page.on('response', (response) => { if (response.status() >= 500) harness.pageErrors.push(`${response.status()} ${response.url()}`); });
    page.on('pageerror', (error) => harness.pageErrors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') harness.pageErrors.push(message.text()); });
    await page.addInitScript((key) => (globalThis as unknown as BrowserGlobals).localStorage.setItem('descent.apiKey', key), harness.key);
    await page.goto(`${harness.baseUrl}/${hash}`);
    return page;
  };
  harness.submitRun = async (spec, { wait = true } = {}) => {
    const response = await postRun(testApp.app, harness.authorization, spec);
    if (response.statusCode !== 201) throw new Error(`run refused: ${response.body}`);
    const id = response.json().id as string;
    if (wait) await waitForRun(testApp.app, harness.authorization, id, isFinal, Number.POSITIVE_INFINITY);
    return id;
  };
  return harness;
}

/** Opens pages (`openPage`) for a file's tests, and closes them after its tests. */
export function usePages(dashboard: DashboardHarness): (hash?: string) => Promise<Page> {
  const pages: Page[] = [];
  afterAll(async () => {
    for (const page of pages) await page.close();
  });
  return async (hash = '') => {
    const page = await dashboard.openPage(hash);
    pages.push(page);
    return page;
  };
}

/** An expression objective over x and y (or `variables`). */
export const expression = (text: string, initial: number[], variables = ['x', 'y']) => ({ type: 'expression', expression: text, variables, initial });

/** The little of the browser's globals and uPlot's instance the tests read (no DOM types here). */
interface BrowserGlobals {
  readonly localStorage: { setItem(name: string, value: string): void };
  readonly devicePixelRatio: number;
  requestAnimationFrame(callback: (time: number) => void): number;
}
interface ChartAxis {
  readonly scale: string;
  readonly label?: string;
  readonly _values?: (string | null)[];
  readonly _splits?: number[];
  readonly _size: number;
  readonly ticks: { readonly size: number };
  readonly gap: number;
  readonly font: [string];
}
interface Chart {
  readonly series: { label: string; scale: string; show: boolean }[];
  readonly data: (number | null | undefined)[][];
  readonly axes: ChartAxis[];
  readonly ctx: { font: string; measureText(text: string): { width: number } };
  valToPos(value: number, scale: string): number;
}

export interface DrawnSeries {
  readonly label: string;
  readonly scale: string;
  readonly show: boolean;
  /** Finite values of the series as drawn. */
  readonly values: number;
}

/** The series of the curve chart on the page (uPlot's own description of what it draws). */
export function drawnSeries(page: Page, selector = '.curve-plot'): Promise<DrawnSeries[]> {
  return page.locator(selector).first().evaluate((element: unknown) => {
    const chart = (element as { uplot?: Chart }).uplot;
    if (!chart) return [];
    return chart.series.slice(1).map((series, index) => ({
      label: series.label, scale: series.scale, show: series.show,
      values: chart.data[index + 1]!.filter((value) => typeof value === 'number' && Number.isFinite(value)).length,
    }));
  });
}

export interface DrawnAxis {
  readonly scale: string;
  readonly label: string | undefined;
  /** The tick labels drawn. */
  readonly values: string[];
  /** Widths of the tick labels in the axis font, and the room the axis has for them. */
  readonly widestLabel: number;
  readonly room: number;
  /** Pixel positions of the labels along the axis. */
  readonly positions: number[];
}

/** The axes of the curve chart: tick labels, how wide they are and the room they have. */
export function drawnAxes(page: Page, selector = '.curve-plot'): Promise<DrawnAxis[]> {
  return page.locator(selector).first().evaluate(async (element: unknown) => {
    const { devicePixelRatio, requestAnimationFrame } = globalThis as unknown as BrowserGlobals;
    // uPlot lays the axes out on the next frame after a change.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const chart = (element as { uplot?: Chart }).uplot;
    if (!chart) return [];
    return chart.axes.map((axis) => {
      const values = (axis._values ?? []).filter((value): value is string => value !== null && value !== '');
      chart.ctx.font = axis.font[0];
      const widths = values.map((value) => chart.ctx.measureText(value).width / devicePixelRatio);
      return {
        scale: axis.scale, label: axis.label, values,
        widestLabel: Math.max(0, ...widths), room: axis._size - axis.ticks.size - axis.gap,
        positions: (axis._splits ?? []).filter((_split, index) => axis._values?.[index]).map((split) => chart.valToPos(split, axis.scale)),
      };
    });
  });
}

/** Number of drawn segments in an SVG path's data. */
export const segments = (d: string | null) => (d?.match(/L/g) ?? []).length;
