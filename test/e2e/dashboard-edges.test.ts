/**
 * What a user found at the dashboard's edges, each as they met it: a run falling to −1e100 drawn
 * flat on its symmetric log axis until its last steps, wide tables cut at the card's edge with
 * nothing to say there was more, no mark where early stopping found its best step, and a CSV
 * export gathered whole in the page before it was saved.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { scalarMetricFields } from '../../src/contracts/metric-fields.ts';
import { drawnAxes, drawnSeries, expression, screenshots, useDashboard, usePages } from './support/dashboard.ts';

// Waiting for the 1,000,000-step run polls it for longer than the per-key budget of a minute allows.
const dashboard = useDashboard({ RATE_LIMIT_MAX: '100000' });
const open = usePages(dashboard);

const runView = async (id: string) => (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json();

/** Pixel heights of a curve's points on the chart (top 0), in step order, and the plot's height. */
const curvePositions = (page: Page, label: string) => page.locator('.curve-plot').first().evaluate((element: unknown, wanted: string) => {
  const chart = (element as { uplot: { series: { label: string; scale: string }[]; data: (number | null)[][]; bbox: { height: number }; valToPos(value: number, scale: string): number } }).uplot;
  const index = chart.series.findIndex((series) => series.label === wanted);
  const positions = chart.data[index]!.filter((value): value is number => typeof value === 'number').map((value) => chart.valToPos(value, chart.series[index]!.scale));
  return { positions, height: chart.bbox.height / (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio };
}, label);

/** A scrolling table's state: how far it overflows and scrolled, its cues, and whether it takes focus. */
const tableScroll = (page: Page, selector: string) => page.locator(selector).evaluate((element: unknown) => {
  const holder = element as { scrollWidth: number; clientWidth: number; scrollLeft: number; classList: { contains(name: string): boolean }; getAttribute(name: string): string | null };
  return {
    overflow: holder.scrollWidth - holder.clientWidth, scrollLeft: holder.scrollLeft,
    moreLeft: holder.classList.contains('more-left'), moreRight: holder.classList.contains('more-right'), tabindex: holder.getAttribute('tabindex'),
  };
});

describe('dashboard edges', () => {
  it('spreads a run falling from −1 to −1e100 over its decades on the symmetric log axis, labelled in values', async () => {
    // SGD at 1 on −x² from 1 triples x every step: the loss is −9^t, below −1e100 at step 106 (unbounded).
    const id = await dashboard.submitRun({ objective: expression('-(x^2)', [1], ['x']), optimizer: { name: 'sgd', learningRate: 1 }, training: { maxSteps: 1000 } });
    expect((await runView(id)).result.stopReason).toBe('unbounded');
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    const { positions, height } = await curvePositions(page, 'loss');
    expect(positions.length).toBeGreaterThan(100);
    // The middle half of the run (losses −9^26 to −9^79) takes about half the plot, not a pixel at 0.
    const middle = positions.slice(Math.floor(positions.length / 4), Math.floor((3 * positions.length) / 4));
    expect(Math.max(...middle) - Math.min(...middle), JSON.stringify(positions)).toBeGreaterThan(height / 3);
    const axis = (await drawnAxes(page)).find((entry) => entry.scale === 'loss')!;
    expect(axis.label).toBe('loss (symmetric log)');
    const values = axis.values.map(Number);
    // Labels are values (−1e50, not a display coordinate), spread over the run, higher ones higher up.
    expect(values.every(Number.isFinite), axis.values.join(' ')).toBe(true);
    expect(Math.min(...values)).toBeLessThan(-1e80);
    expect(values.some((value) => value > -1e20 && value < -1e5), axis.values.join(' ')).toBe(true);
    const order = values.map((value, index) => [value, axis.positions[index]!] as const).sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < order.length; index++) expect(order[index]![1]).toBeLessThan(order[index - 1]![1]);
    await page.screenshot({ path: `${screenshots}/edge-symmetric-log-unbounded.png`, fullPage: true });
  });

  it('scrolls a table wider than its card inside it, with a shadow where columns are out of view, by keyboard too', async () => {
    // Runs differing in many settings: one column each in the compare table.
    const ids = [];
    for (const [index, optimizer] of [
      { name: 'adam', learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 },
      { name: 'adam', learningRate: 0.01, beta1: 0.85, beta2: 0.995, epsilon: 1e-6 },
      { name: 'adam', learningRate: 0.005, beta1: 0.9, beta2: 0.9999, epsilon: 1e-5 },
    ].entries()) {
      ids.push(await dashboard.submitRun({
        objective: expression(`x^2 + y^2 + ${index}`, [1, 2 + index]), optimizer,
        training: { maxSteps: 20 + index, seed: index + 1 }, clip: { maxNorm: 1 + index }, record: { every: 1 + index },
      }));
    }
    const page = await open(`#/compare/${ids.join(',')}`);
    const holder = '.compare-table-card .table-scroll';
    await page.locator(`${holder} tbody tr`).nth(2).waitFor();
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ moreLeft: false, moreRight: true, tabindex: '0' });
    expect((await tableScroll(page, holder)).overflow).toBeGreaterThan(50);
    // The cue is drawn: an inset shadow on the right edge.
    expect(await page.locator(holder).evaluate((element) => (globalThis as unknown as { getComputedStyle(of: unknown): { boxShadow: string } }).getComputedStyle(element).boxShadow)).toMatch(/inset/);
    expect(await page.locator(holder).getAttribute('aria-label')).toBe('Runs compared');
    await page.screenshot({ path: `${screenshots}/edge-wide-table-start.png`, fullPage: true });

    // Tab reaches the table (after the links in it), the arrow keys scroll it.
    await page.locator(holder).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await tableScroll(page, holder)).scrollLeft).toBeGreaterThan(0);
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ moreLeft: true });
    await page.keyboard.press('End');
    for (let press = 0; press < 40 && (await tableScroll(page, holder)).moreRight; press++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ moreLeft: true, moreRight: false });
    // The last column is in view inside the card.
    const last = await page.locator(`${holder} thead th`).last().boundingBox();
    const box = await page.locator(holder).boundingBox();
    expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    await page.screenshot({ path: `${screenshots}/edge-wide-table-end.png`, fullPage: true });
  });

  it('marks the step where early stopping found the best loss, and the run restored it', async () => {
    // Momentum overshoots the minimum of x² and swings back: the loss's best is at a crossing, then
    // the swings stop improving by minDelta and patience runs out.
    const id = await dashboard.submitRun({
      objective: expression('x^2 + y^2', [3, 0]), optimizer: { name: 'momentum', learningRate: 0.02, momentum: 0.95 },
      training: { maxSteps: 5000 }, earlyStopping: { monitor: 'loss', patience: 40, minDelta: 1e-3, restoreBest: true }, record: { every: 1 },
    });
    const { result } = await runView(id);
    expect(result.stopReason).toBe('early_stopping');
    expect(result.restoredBest).toBe(true);
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    const legend = page.locator('.chart-legend .best-step');
    await expect.poll(() => legend.textContent()).toBe(`loss: best ${Number(result.best.value.toPrecision(5))} at step ${result.best.step}`);
    expect(await legend.getAttribute('title')).toContain('early stopping');
    const best = (await drawnSeries(page)).find((series) => series.label === 'loss · best');
    expect(best).toMatchObject({ scale: 'loss', show: true, values: 1 });
    // The point is at the best step, at the best value.
    const point = await page.locator('.curve-plot').first().evaluate((element: unknown) => {
      const chart = (element as { uplot: { series: { label: string }[]; data: (number | null)[][] } }).uplot;
      const index = chart.series.findIndex((series) => series.label === 'loss · best');
      const at = chart.data[index]!.findIndex((value) => typeof value === 'number');
      return { step: chart.data[0]![at]!, next: chart.data[0]![at + 1] ?? Infinity, display: chart.data[index]![at] };
    });
    // On the step, or on the bucket holding it when the curve is downsampled.
    expect(point.step).toBeLessThanOrEqual(result.best.step);
    expect(point.next).toBeGreaterThan(result.best.step);
    expect(10 ** point.display!).toBeCloseTo(result.best.value, 10);
    await page.screenshot({ path: `${screenshots}/edge-early-stopping-best.png`, fullPage: true });
  });

  it('streams the CSV of a 1,000,000-step run into the file picked, every recorded field and step', async () => {
    const id = await dashboard.submitRun({
      objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 1e-7 }, training: { maxSteps: 1_000_000 }, record: { every: 1 },
    });
    const page = await dashboard.openPage(`#/runs/${id}`);
    // The file dialog, which a headless browser cannot show, answers with a file of the page's
    // own storage: the browser's real file writer, as for a file the reader picked.
    await page.addInitScript(() => {
      const scope = globalThis as unknown as { showSaveFilePicker: (options: unknown) => Promise<unknown>; picked?: unknown; navigator: { storage: { getDirectory(): Promise<{ getFileHandle(name: string, options: object): Promise<unknown> }> } } };
      scope.showSaveFilePicker = async (options) => {
        scope.picked = options;
        return (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv', { create: true });
      };
    });
    const downloads: unknown[] = [];
    page.on('download', (download) => downloads.push(download));
    await page.reload();
    await page.getByRole('button', { name: 'Download CSV' }).click();
    await expect.poll(() => page.evaluate('window.picked?.suggestedName')).toBe(`run-${id}.csv`);
    // The button is back once the file is written and closed (the test's own timeout bounds the wait).
    await expect.poll(() => page.getByRole('button', { name: 'Download CSV' }).isEnabled(), { timeout: 540_000 }).toBe(true);
    // Read back in the page, a chunk at a time: the header, the number of lines, the last line.
    const saved = await page.evaluate(async () => {
      const scope = globalThis as unknown as { navigator: { storage: { getDirectory(): Promise<{ getFileHandle(name: string): Promise<{ getFile(): Promise<{ size: number; stream(): { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } } }> }> }> } } };
      const file = await (await (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv')).getFile();
      const reader = file.stream().getReader();
      const decoder = new TextDecoder();
      let lines = 0;
      let head = '';
      let tail = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const byte of value!) if (byte === 10) lines++;
        if (head.length < 1000) head += decoder.decode(value!.subarray(0, 1000));
        tail = (tail + decoder.decode(value!.subarray(Math.max(0, value!.length - 1000)))).slice(-1000);
      }
      return { size: file.size, lines, header: head.split('\n')[0], last: tail.trimEnd().split('\n').at(-1) };
    });
    // What the page said beside the button (an error, when the export failed), for the failure's message.
    const said = await page.locator('.run-header').textContent();
    expect(saved.header, said!).toBe(['step', ...scalarMetricFields, 'params[0]', 'params[1]'].join(','));
    expect(saved.lines, `${said} ${saved.last}`).toBe(1_000_001);
    const { result } = await runView(id);
    expect(saved.last!.startsWith('1000000,')).toBe(true);
    expect(saved.last).toContain(String(result.params[1]));
    expect(downloads).toHaveLength(0);
    await page.screenshot({ path: `${screenshots}/edge-csv-streamed.png`, fullPage: true });
    await page.close();
  }, 900_000);
});
