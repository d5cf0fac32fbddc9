/**
 * What a user found at the dashboard's edges, each as they met it: a run falling to −1e100 drawn
 * flat on its symmetric log axis until its last steps, wide tables cut at the card's edge with
 * nothing to say there was more, the keyboard's focus sent back to the page's start by a table or
 * list drawn anew (or by the compare bar's Clear, hiding itself), a runs list read out again whole
 * at every selection, no mark where early stopping found its best step (on a run's page, then on
 * the compare view), a best at the last parameters said to be an update's, a CSV export gathered
 * whole in the page before it was saved, and a sweeps list that stopped refreshing after one
 * refresh failed or after its tab was in the background.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { scalarMetricFields } from '../../src/contracts/metric-fields.ts';
import { drawnAxes, drawnSeries, expression, screenshots, useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard();
const open = usePages(dashboard);

/** A short run on x² + y² with SGD at `learningRate`; its id. */
const submit = (learningRate: number) => dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate }, training: { maxSteps: 5 } });

const runView = async (id: string) => (await dashboard.testApp.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: dashboard.authorization } })).json();

/** Pixel heights of a curve's points on the chart (top 0), in step order, and the plot's height. */
const curvePositions = (page: Page, label: string) => page.locator('.curve-plot').first().evaluate((element: unknown, wanted: string) => {
  const chart = (element as { uplot: { series: { label: string; scale: string }[]; data: (number | null)[][]; bbox: { height: number }; valToPos(value: number, scale: string): number } }).uplot;
  const index = chart.series.findIndex((series) => series.label === wanted);
  const positions = chart.data[index]!.filter((value): value is number => typeof value === 'number').map((value) => chart.valToPos(value, chart.series[index]!.scale));
  return { positions, height: chart.bbox.height / (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio };
}, label);

/** A small grid sweep named `name` (the file's worker coordinates no sweep: it stays queued); its id. */
async function createSweep(name: string): Promise<string> {
  const response = await dashboard.testApp.app.inject({
    method: 'POST', url: '/v1/sweeps', headers: { authorization: dashboard.authorization },
    payload: {
      name, base: { objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: { 'optimizer.learningRate': { type: 'categorical', values: [0.1, 0.2] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

/** Where a best point series is drawn: its step, the next step drawn, and its display value. */
const bestPoint = (page: Page, label: string) => page.locator('.curve-plot').first().evaluate((element: unknown, wanted: string) => {
  const chart = (element as { uplot: { series: { label: string }[]; data: (number | null)[][] } }).uplot;
  const index = chart.series.findIndex((series) => series.label === wanted);
  const at = chart.data[index]!.findIndex((value) => typeof value === 'number');
  return { step: chart.data[0]![at]!, next: chart.data[0]![at + 1] ?? Infinity, display: chart.data[index]![at] };
}, label);

/**
 * What has the keyboard's focus: its tag, class, href and tabindex, the sweep its row names, the
 * run it names (a run's link) or its compare tick names, and whether that is ticked.
 */
const focusedElement = (page: Page) => page.evaluate(() => {
  type Focusable = { tagName: string; className: string; checked?: boolean; getAttribute(name: string): string | null; closest(selector: string): Focusable | null };
  const element = (globalThis as unknown as { document: { activeElement: Focusable } }).document.activeElement;
  return {
    tag: element.tagName, className: element.className, href: element.getAttribute('href'), tabindex: element.getAttribute('tabindex'),
    sweepId: element.closest('[data-sweep-id]')?.getAttribute('data-sweep-id') ?? null,
    runId: element.getAttribute('data-run-id'), compareId: element.getAttribute('data-compare-id'), checked: element.checked ?? null,
  };
});

/**
 * Watches what the page does while its list at `selector` refreshes: which answers to GETs of
 * `path` it has handled (their statuses, noted once the code awaiting them has run), the focus
 * events, the elements of the list that left the page, and its changes other than an age's
 * (`childList UL`, `attributes A class`: what changed, and where).
 */
async function watchRefreshes(page: Page, path: string, selector: string) {
  await page.evaluate(({ path: watched, selector: list }) => {
    type Node = { nodeName: string; isConnected: boolean };
    type Watch = { handled: number[]; focusMoves: string[]; changed: string[]; elements: Node[]; focused: unknown };
    const browser = globalThis as unknown as {
      watch: Watch;
      fetch(input: string, init?: unknown): Promise<{ status: number }>;
      setTimeout(callback: () => void, ms: number): void;
      document: { activeElement: unknown; querySelector(selector: string): { querySelectorAll(selector: string): Node[] }; addEventListener(type: string, listener: (event: { target: Node }) => void): void };
      MutationObserver: new (callback: (records: { type: string; target: Node; attributeName: string | null }[]) => void) => { observe(target: unknown, options: object): void };
    };
    const watch: Watch = { handled: [], focusMoves: [], changed: [], elements: [...browser.document.querySelector(list).querySelectorAll('*')], focused: browser.document.activeElement };
    browser.watch = watch;
    const fetch = browser.fetch;
    // A task queued once the answer is in runs after the list's code that awaited it.
    browser.fetch = (input, init) => fetch(input, init).then((response) => {
      if (new URL(input, 'http://page').pathname === watched) browser.setTimeout(() => watch.handled.push(response.status), 0);
      return response;
    });
    for (const type of ['focusin', 'focusout']) browser.document.addEventListener(type, (event) => watch.focusMoves.push(`${type} ${event.target.nodeName}`));
    new browser.MutationObserver((records) => {
      for (const { type, target, attributeName } of records) {
        if (target.nodeName !== 'TIME') watch.changed.push(`${type} ${target.nodeName}${attributeName ? ` ${attributeName}` : ''}`);
      }
    }).observe(browser.document.querySelector(list), { childList: true, subtree: true, attributes: true, characterData: true });
  }, { path, selector });
  return () => page.evaluate(() => {
    const browser = globalThis as unknown as { watch: { handled: number[]; focusMoves: string[]; changed: string[]; elements: { isConnected: boolean }[]; focused: unknown }; document: { activeElement: unknown } };
    const { handled, focusMoves, changed, elements, focused } = browser.watch;
    return { handled, focusMoves, changed, elementsGone: elements.filter((element) => !element.isConnected).length, sameFocus: browser.document.activeElement === focused };
  });
}

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
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ moreLeft: true, moreRight: false });
    // The last column is in view inside the card.
    const last = await page.locator(`${holder} thead th`).last().boundingBox();
    const box = await page.locator(holder).boundingBox();
    expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    await page.screenshot({ path: `${screenshots}/edge-wide-table-end.png`, fullPage: true });
  });

  it('keeps a wide table scrolled and focused where the reader left it when the page refreshes it', async () => {
    await createSweep('a sweep with a name long enough to widen its table');
    const page = await dashboard.openPage('#/sweeps', { width: 420, height: 800 });
    const holder = '.sweeps-page > .table-scroll';
    await page.locator('.sweeps-table tbody tr').first().waitFor();
    await expect.poll(async () => (await tableScroll(page, holder)).overflow).toBeGreaterThan(20);
    await page.locator(holder).focus();
    await page.keyboard.press('End');
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ moreLeft: true, moreRight: false });
    const scrolled = (await tableScroll(page, holder)).scrollLeft;
    // What the page's resize observers watch from here on: a table drawn anew lets go of the one it replaced.
    await page.evaluate(() => {
      type Observed = { isConnected: boolean };
      const prototype = (globalThis as unknown as { ResizeObserver: { prototype: { observe(target: Observed): void; unobserve(target: Observed): void } } }).ResizeObserver.prototype;
      const watched = new Set<Observed>();
      (globalThis as unknown as { watched: Set<Observed> }).watched = watched;
      const { observe, unobserve } = prototype;
      prototype.observe = function (target) { watched.add(target); observe.call(this, target); };
      prototype.unobserve = function (target) { watched.delete(target); unobserve.call(this, target); };
      for (const element of (globalThis as unknown as { document: { querySelectorAll(selector: string): Observed[] } }).document.querySelectorAll('.table-scroll, .table-scroll > table')) watched.add(element);
    });
    // The list asks for the sweeps again every 10 s and, with a sweep more, draws the table anew.
    await page.locator('.sweeps-table').evaluate((table) => { (table as unknown as { dataset: Record<string, string> }).dataset['before'] = 'refresh'; });
    await createSweep('a sweep newer than the others');
    await expect.poll(() => page.locator('.sweeps-table[data-before]').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => [...(globalThis as unknown as { watched: Set<{ isConnected: boolean }> }).watched].map((element) => element.isConnected)))
      .toEqual([true, true]);
    expect((await tableScroll(page, holder)).scrollLeft).toBe(scrolled);
    expect(await page.locator(holder).evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await page.keyboard.press('Home');
    await expect.poll(() => tableScroll(page, holder)).toMatchObject({ scrollLeft: 0, moreLeft: false, moreRight: true });
    await page.close();
  });

  it("keeps the keyboard's focus on a link in a table the page refreshes: the same row's link, not the page's start", async () => {
    const focused = await createSweep('the sweep whose link has the focus');
    await createSweep('a newer sweep');
    const page = await open('#/sweeps');
    const link = `.sweeps-table tr[data-sweep-id="${focused}"] a[href="#/sweeps/${focused}"]`;
    await page.locator(link).focus();
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', href: `#/sweeps/${focused}`, sweepId: focused });
    await page.locator(link).evaluate((element) => { (element as unknown as { dataset: Record<string, string> }).dataset['before'] = 'refresh'; });
    // A sweep newer still comes before the refresh: the focused row moves down one, and the link now
    // where it was is another sweep's (a focus put back by place would land there).
    const newest = await createSweep('a sweep created after the focus');
    // The list asks for the sweeps again every 10 s and draws the table anew.
    await expect.poll(() => page.locator(`${link}[data-before]`).count()).toBe(0);
    await page.locator(`.sweeps-table tr[data-sweep-id="${newest}"]`).waitFor();
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', href: `#/sweeps/${focused}`, sweepId: focused });
    await page.screenshot({ path: `${screenshots}/edge-table-focus-kept.png`, fullPage: true });
    // The keyboard goes on from there: Enter follows the link.
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/sweeps/${focused}$`));
  });

  it('leaves the sweeps list as it was, the focus where it was, when a refresh finds the page unchanged (304)', async () => {
    const focused = await createSweep('a sweep in a list that does not change');
    const page = await open('#/sweeps');
    const link = `.sweeps-table tr[data-sweep-id="${focused}"] a`;
    await page.locator(link).focus();
    const watched = await watchRefreshes(page, '/v1/sweeps', '.sweeps-page');
    // The list asks for the page again every 10 s; no sweep changes here.
    await expect.poll(async () => (await watched()).handled.length).toBeGreaterThanOrEqual(1);
    // The same elements, the same one focused, no focus event and nothing for a screen reader to read again.
    expect(await watched()).toMatchObject({ handled: [304], focusMoves: [], changed: [], elementsGone: 0, sameFocus: true });
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', sweepId: focused });
  });

  // Three of the list's refreshes, 10 s apart.
  it("moves the keyboard's focus to the nearest link left when its row leaves the list, and to the list once none is left", async () => {
    const cancel = async (id: string) => {
      const response = await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: dashboard.authorization } });
      expect(response.statusCode, response.body).toBe(200);
    };
    const row = (id: string) => `.sweeps-table tr[data-sweep-id="${id}"]`;
    const below = await createSweep('the sweep below the one focused');
    const focused = await createSweep('the sweep that leaves the queued ones');
    await createSweep('the sweep above the one focused');
    const page = await open('#/sweeps');
    await page.selectOption('#sweep-status', 'queued');
    await page.locator(row(focused)).waitFor();
    // Cancelled, its row leaves the queued sweeps: the row below it, now where it was, has the focus.
    await page.locator(`${row(focused)} a`).focus();
    await cancel(focused);
    await expect.poll(() => page.locator(row(focused)).count()).toBe(0);
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', href: `#/sweeps/${below}`, sweepId: below });
    // The last row leaves: the one before it has the focus.
    const shown = await page.locator('.sweeps-table tbody tr').evaluateAll((rows) => rows.map((element) => (element as unknown as { dataset: { sweepId: string } }).dataset.sweepId));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    await page.locator(`${row(shown.at(-1)!)} a`).focus();
    await cancel(shown.at(-1)!);
    await expect.poll(() => page.locator(row(shown.at(-1)!)).count()).toBe(0);
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', sweepId: shown.at(-2)! });
    // Every queued sweep cancelled, no row is left: the list itself has the focus, out of the Tab order.
    for (const id of shown.slice(0, -1)) await cancel(id);
    await expect.poll(() => page.locator('.sweeps-page').textContent()).toBe('No queued sweeps.');
    expect(await focusedElement(page)).toMatchObject({ tag: 'DIV', className: 'sweeps-page', tabindex: '-1' });
    await page.screenshot({ path: `${screenshots}/edge-focus-row-left.png`, fullPage: true });
  }, 120_000);

  // Two of the list's refreshes, 20 s apart.
  it("keeps the keyboard's focus on a run's link, or its compare tick, in the runs list when the list refreshes", async () => {
    const older = await submit(0.1);
    await submit(0.2);
    const page = await open('');
    const link = `.runs .run-link[data-run-id="${older}"]`;
    const tick = `.runs .compare-tick[data-compare-id="${older}"]`;
    await page.locator(link).focus();
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', runId: older });
    await page.locator(link).evaluate((element) => { (element as unknown as { dataset: Record<string, string> }).dataset['before'] = 'refresh'; });
    // A newer run comes before the refresh: the focused row moves down one, and the link now where
    // it was is another run's (a focus put back by place would land there).
    await submit(0.3);
    // The list asks for the page again every 20 s and draws it anew.
    await expect.poll(() => page.locator(`${link}[data-before]`).count(), { timeout: 40_000 }).toBe(0);
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', runId: older });
    await page.screenshot({ path: `${screenshots}/edge-runs-list-focus-kept.png`, fullPage: true });
    // The same on the run's compare tick, ticked from the keyboard: it keeps the focus and its tick.
    await page.locator(tick).focus();
    await page.keyboard.press('Space');
    await page.locator(tick).evaluate((element) => { (element as unknown as { dataset: Record<string, string> }).dataset['before'] = 'refresh'; });
    await submit(0.4);
    await expect.poll(() => page.locator(`${tick}[data-before]`).count(), { timeout: 40_000 }).toBe(0);
    expect(await focusedElement(page)).toMatchObject({ tag: 'INPUT', compareId: older, checked: true });
    await expect.poll(() => page.locator('.compare-button').textContent()).toBe('Compare 1');
  }, 120_000);

  it("moves the keyboard's focus to the tick it cleared when the compare bar's Clear hides the bar", async () => {
    const ticked = await submit(0.35);
    await submit(0.45);
    const page = await open('');
    const tick = `.runs .compare-tick[data-compare-id="${ticked}"]`;
    await page.locator(tick).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Clear' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('.compare-bar').isHidden()).toBe(true);
    expect(await focusedElement(page)).toMatchObject({ tag: 'INPUT', compareId: ticked, checked: false });
  });

  it('leaves the runs list as it was, the focus where it was, when a refresh finds the page unchanged (304)', async () => {
    const focused = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.5 }, training: { maxSteps: 5 } });
    const page = await open('');
    const link = `.runs .run-link[data-run-id="${focused}"]`;
    await page.locator(link).focus();
    const watched = await watchRefreshes(page, '/v1/runs', '.runs-page');
    // The list asks for the page again every 20 s; every run on it has ended.
    await expect.poll(async () => (await watched()).handled.length, { timeout: 40_000 }).toBeGreaterThanOrEqual(1);
    // The same elements (an age may have moved on in its own words), the same one focused, no focus
    // event, and nothing else changed in the live region for a screen reader to read again.
    expect(await watched()).toMatchObject({ handled: [304], focusMoves: [], changed: [], elementsGone: 0, sameFocus: true });
    expect(await focusedElement(page)).toMatchObject({ tag: 'A', runId: focused });
  });

  it('says nothing new in the runs list when a run is selected or runs are compared: the list keeps its nodes, only the mark of the current run moves', async () => {
    const first = await submit(0.15);
    const second = await submit(0.25);
    const page = await open('');
    const link = (id: string) => page.locator(`.runs .run-link[data-run-id="${id}"]`);
    const current = () => page.locator('.runs .run-link[aria-current="page"]').evaluateAll((links) => links.map((element) => (element as unknown as { dataset: { runId: string } }).dataset.runId));
    await link(second).waitFor();
    const watched = await watchRefreshes(page, '/v1/runs', '.runs-page');
    for (const id of [first, second]) {
      await link(id).click();
      await expect.poll(() => page.locator('#run-title code').textContent()).toBe(id.slice(-8));
      expect(await current()).toEqual([id]);
      expect(await page.locator('.runs .run-link.selected').count()).toBe(1);
    }
    await page.locator('.contour-plot .trajectory').waitFor();
    await page.screenshot({ path: `${screenshots}/edge-runs-list-selected.png`, fullPage: true });
    for (const id of [first, second]) await page.locator(`.runs .compare-tick[data-compare-id="${id}"]`).check();
    await page.getByRole('button', { name: 'Compare 2' }).click();
    await page.locator('.compare-table').waitFor();
    expect(await current()).toEqual([]);
    // The live region's elements and text are those it had (attributes changed: the current run's
    // mark, which a live region does not read out): a screen reader hears nothing again.
    const seen = await watched();
    expect(seen.elementsGone).toBe(0);
    expect(seen.changed.filter((change) => !change.startsWith('attributes '))).toEqual([]);
    expect(await page.locator('.runs .compare-tick:checked').count()).toBe(2);
    // A change of the list itself (a filter) is drawn and said.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
    await expect.poll(async () => (await watched()).changed.filter((change) => change.startsWith('childList')).length).toBeGreaterThan(0);
    await expect.poll(() => link(first).count()).toBe(0);
  });

  // The lists' refreshes until each has failed once and been read again: 10 s apart for the sweeps, 20 s for the runs.
  it('goes on refreshing the sweeps list and the runs list after a refresh fails, the list kept as it was with a notice until the next is read', async () => {
    const sweep = await createSweep('a sweep listed when a refresh fails');
    const run = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } });
    const page = await open('#/sweeps');
    const sweepRow = (id: string) => page.locator(`.sweeps-table tr[data-sweep-id="${id}"]`);
    const runRow = (id: string) => page.locator(`.runs .run-link[data-run-id="${id}"]`);
    await sweepRow(sweep).waitFor();
    await runRow(run).waitFor();
    // The next refresh of each list fails, the ones after it are answered: the sweeps' spent the
    // key's request budget (429), the runs' found no API at all.
    const failOnce = (path: string, fail: (route: Route) => Promise<void>) => {
      let failed = false;
      return page.route((url) => url.pathname === path, (route) => {
        if (failed) return route.continue();
        failed = true;
        return fail(route);
      });
    };
    await failOnce('/v1/sweeps', (route) => route.fulfill({
      status: 429, contentType: 'application/problem+json', headers: { 'retry-after': '10' },
      body: JSON.stringify({ status: 429, code: 'rate_limited', title: 'Too many requests', detail: 'This API key may make 600 requests per 60 s; retry in 10 s.' }),
    }));
    await failOnce('/v1/runs', (route) => route.abort('connectionrefused'));
    const sweepsNotice = page.locator('main .refresh-notice');
    const runsNotice = page.locator('#notice');
    await Promise.all([
      (async () => {
        await expect.poll(() => sweepsNotice.isVisible()).toBe(true);
        expect(await sweepsNotice.textContent()).toBe('The sweeps could not be refreshed: This API key may make 600 requests per 60 s; retry in 10 s.');
        expect(await sweepRow(sweep).count()).toBe(1);
        await page.screenshot({ path: `${screenshots}/edge-sweeps-refresh-failed.png`, fullPage: true });
        // A sweep created since: the list asked again, and was answered.
        const newer = await createSweep('a sweep created after the refresh that failed');
        await expect.poll(() => sweepRow(newer).count()).toBe(1);
        expect(await sweepsNotice.isVisible()).toBe(false);
      })(),
      (async () => {
        await expect.poll(() => runsNotice.isVisible(), { timeout: 40_000 }).toBe(true);
        expect(await runsNotice.textContent()).toMatch(/^The API did not answer \(.+\); is it running\?$/);
        expect(await runRow(run).count()).toBe(1);
        const later = await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 0.2 }, training: { maxSteps: 5 } });
        await expect.poll(() => runRow(later).count(), { timeout: 40_000 }).toBe(1);
        expect(await runsNotice.isVisible()).toBe(false);
      })(),
    ]);
  }, 120_000);

  it('goes on refreshing the sweeps list once its tab is looked at again', async () => {
    await createSweep('a sweep listed before the tab went to the background');
    const page = await open('#/sweeps');
    await page.locator('.sweeps-table').waitFor();
    // The tab in the background (as the browser says it): the list's next refresh finds it hidden.
    await page.evaluate(() => {
      const browser = globalThis as unknown as { hiddenSeen: number; document: object };
      browser.hiddenSeen = 0;
      Object.defineProperty(browser.document, 'hidden', {
        configurable: true,
        get: () => {
          if (new Error().stack?.includes('sweeps-list.js')) browser.hiddenSeen++;
          return true;
        },
      });
    });
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { hiddenSeen: number }).hiddenSeen)).toBeGreaterThanOrEqual(1);
    // Looked at again: a sweep created since comes in at a refresh.
    await page.evaluate(() => delete (globalThis as unknown as { document: { hidden?: boolean } }).document.hidden);
    const newer = await createSweep('a sweep created while the tab was in the background');
    await expect.poll(() => page.locator(`.sweeps-table tr[data-sweep-id="${newer}"]`).count()).toBe(1);
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
    expect(await legend.getAttribute('title')).toBe('Where early stopping found the best value (the dashed line)');
    const best = (await drawnSeries(page)).find((series) => series.label === 'loss · best');
    expect(best).toMatchObject({ scale: 'loss', show: true, values: 1 });
    // The point is at the best step, at the best value.
    const point = await bestPoint(page, 'loss · best');
    // On the step, or on the bucket holding it when the curve is downsampled.
    expect(point.step).toBeLessThanOrEqual(result.best.step);
    expect(point.next).toBeGreaterThan(result.best.step);
    expect(10 ** point.display!).toBeCloseTo(result.best.value, 10);
    await page.screenshot({ path: `${screenshots}/edge-early-stopping-best.png`, fullPage: true });
    // Hiding the curve hides its best point too.
    await page.locator('.chart-legend button[data-series="loss"]').first().click();
    await expect.poll(async () => (await drawnSeries(page)).find((series) => series.label === 'loss · best')?.show).toBe(false);
  });

  it('marks where early stopping found the best loss of each compared run, as the run page does', async () => {
    // As above at two learning rates (best at steps 9 and 13), beside a run without early stopping.
    const earlyStopped = (learningRate: number) => ({
      objective: expression('x^2 + y^2', [3, 0]), optimizer: { name: 'momentum', learningRate, momentum: 0.95 },
      training: { maxSteps: 5000 }, earlyStopping: { monitor: 'loss', patience: 40, minDelta: 1e-3, restoreBest: true }, record: { every: 1 },
    });
    const stopped = [await dashboard.submitRun(earlyStopped(0.02)), await dashboard.submitRun(earlyStopped(0.01))];
    const plain = await dashboard.submitRun({ objective: expression('x^2 + y^2', [3, 0]), optimizer: { name: 'momentum', learningRate: 0.005, momentum: 0.95 }, training: { maxSteps: 60 } });
    const results = await Promise.all(stopped.map(async (id) => (await runView(id)).result));
    for (const result of results) expect(result.stopReason).toBe('early_stopping');
    const page = await open(`#/compare/${[...stopped, plain].join(',')}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    await expect.poll(() => page.locator('.chart-legend .best-step').count()).toBe(2);
    for (const [index, id] of stopped.entries()) {
      // Each run's entry names its curve (the legend's button for it) and where its best was.
      const curve = await page.locator(`.chart-legend button[data-run-id="${id}"]`).textContent();
      const said = await page.locator(`.chart-legend .best-step[data-run-id="${id}"]`).textContent();
      const [, named, value, step] = /^(.+): best (\S+) at step (\d+)$/.exec(said!)!;
      expect(named).toBe(curve);
      expect(Number(step)).toBe(results[index].best.step);
      // Five significant digits.
      expect(Number(value) / results[index].best.value).toBeCloseTo(1, 4);
      const best = (await drawnSeries(page)).find((series) => series.label === `${curve} · best`);
      expect(best).toMatchObject({ scale: 'loss', show: true, values: 1 });
      // Every step recorded: the point is at the best step, at the best value.
      const point = await bestPoint(page, `${curve} · best`);
      expect(point.step).toBe(results[index].best.step);
      expect(10 ** point.display!).toBeCloseTo(results[index].best.value, 10);
    }
    expect(await page.locator(`.chart-legend .best-step[data-run-id="${plain}"]`).count()).toBe(0);
    await page.screenshot({ path: `${screenshots}/edge-compare-early-stopping-best.png`, fullPage: true });
  });

  it("says the best loss is at the end when it is the last parameters', measured as the run ended", async () => {
    // No update improves by minDelta: patience runs out at step 31, and the loss at the last parameters is below every update's.
    const id = await dashboard.submitRun({
      objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.02 },
      training: { maxSteps: 500 }, earlyStopping: { monitor: 'loss', patience: 30, minDelta: 1e6 }, record: { every: 1 },
    });
    const { result } = await runView(id);
    expect(result).toMatchObject({ stopReason: 'early_stopping', steps: 31, best: { metric: 'loss', step: 31, atEnd: true } });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    // The result's facts (after early stopping's own, which has a best too).
    await expect.poll(() => page.locator('dd[data-field="best"]').last().textContent()).toMatch(/^loss \S+ at the end \(step 31\)$/);
    await expect.poll(() => page.locator('.chart-legend .best-step').textContent()).toMatch(/^loss: best \S+ at the end \(step 31\)$/);
    // Early stopping found no best here: the mark says whose value it is.
    expect(await page.locator('.chart-legend .best-step').getAttribute('title')).toBe("The best value, the last parameters', measured as the run ended (the dashed line)");
    await page.screenshot({ path: `${screenshots}/edge-best-at-the-end.png`, fullPage: true });
  });

  it('streams the CSV of a 60,000-step run into the file picked, every recorded field and step, never holding it whole', async () => {
    const id = await dashboard.submitRun({
      objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 1e-7 }, training: { maxSteps: 60_000 }, record: { every: 1 },
    });
    const page = await dashboard.openPage(`#/runs/${id}`);
    await page.addInitScript(answerFileDialog);
    await page.addInitScript(() => {
      const scope = globalThis as unknown as PageGlobals;
      // Whatever would gather a response's body whole is counted, and where a body is piped to noted.
      scope.gathered = [];
      for (const name of ['text', 'blob', 'arrayBuffer', 'json', 'formData', 'bytes']) {
        const original = scope.Response.prototype[name];
        if (original) {
          scope.Response.prototype[name] = function (this: { url: string }, ...args: unknown[]) {
            scope.gathered.push(`${name} ${this.url}`);
            return original.apply(this, args);
          };
        }
      }
      scope.piped = [];
      const pipeTo = scope.ReadableStream.prototype.pipeTo;
      scope.ReadableStream.prototype.pipeTo = function (this: unknown, destination: { constructor?: { name: string } }, options?: unknown) {
        scope.piped.push(destination?.constructor?.name ?? String(destination));
        return pipeTo.call(this, destination, options);
      };
    });
    const downloads: unknown[] = [];
    page.on('download', (download) => downloads.push(download));
    await page.reload();
    await page.getByRole('button', { name: 'Download CSV' }).click();
    await expect.poll(() => page.evaluate('window.picked?.suggestedName')).toBe(`run-${id}.csv`);
    // The button is back once the file is written and closed.
    await expect.poll(() => page.getByRole('button', { name: 'Download CSV' }).isEnabled()).toBe(true);
    const saved = await page.evaluate(async () => {
      const scope = globalThis as unknown as PageGlobals;
      const text = await (await (await (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv')).getFile()).text();
      const lines = text.trimEnd().split('\n');
      return { lines: lines.length, header: lines[0], last: lines.at(-1)!, gathered: scope.gathered.filter((entry) => entry.includes('format=csv')), piped: scope.piped };
    });
    // What the page said beside the button (an error, when the export failed), for the failure's message.
    const said = await page.locator('.run-header').textContent();
    expect(saved.header, said!).toBe(['step', ...scalarMetricFields, 'params[0]', 'params[1]'].join(','));
    expect(saved.lines, said!).toBe(60_001);
    expect(saved.last.startsWith('60000,')).toBe(true);
    expect(saved.last).toContain(String((await runView(id)).result.params[1]));
    // The body went into the browser's file writer as it came, and nothing read it whole.
    expect(saved.piped).toEqual(['FileSystemWritableFileStream']);
    expect(saved.gathered).toEqual([]);
    expect(downloads).toHaveLength(0);
    await page.screenshot({ path: `${screenshots}/edge-csv-streamed.png`, fullPage: true });
    await page.close();
  });

  it('leaves the picked file empty, and says so, when the CSV export fails part way', async () => {
    const id = await dashboard.submitRun({
      objective: expression('x^2 + y^2', [1, 2]), optimizer: { name: 'sgd', learningRate: 1e-7 }, training: { maxSteps: 30_000 }, record: { every: 1 },
    });
    const page = await dashboard.openPage(`#/runs/${id}`);
    await page.addInitScript(answerFileDialog);
    await page.addInitScript(() => {
      const scope = globalThis as unknown as PageGlobals;
      // The network gives up after the export's third chunk.
      const original = scope.fetch;
      scope.fetch = async (input, init) => {
        const response = await original(input, init);
        if (!String(input).includes('format=csv')) return response;
        const reader = response.body.getReader();
        let chunks = 0;
        const body = new scope.ReadableStream({
          async pull(controller) {
            const { done, value } = await reader.read();
            if (done || ++chunks > 3) {
              await reader.cancel();
              controller.error(new TypeError('network error'));
              return;
            }
            controller.enqueue(value);
          },
        });
        return new scope.Response(body, { status: response.status, headers: response.headers });
      };
    });
    await page.reload();
    // The file picked holds an earlier export.
    await page.evaluate(async () => {
      const scope = globalThis as unknown as PageGlobals;
      const writable = await (await (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv', { create: true })).createWritable();
      await writable.write('an earlier export\n');
      await writable.close();
    });
    await page.getByRole('button', { name: 'Download CSV' }).click();
    await expect.poll(() => page.locator('.run-header .error').textContent()).toBe('The CSV could not be downloaded: network error; the file picked was left empty');
    await expect.poll(() => page.getByRole('button', { name: 'Download CSV' }).isEnabled()).toBe(true);
    const size = await page.evaluate(async () => {
      const scope = globalThis as unknown as PageGlobals;
      return (await (await (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv')).getFile()).size;
    });
    expect(size).toBe(0);
    await page.close();
  });
});

/**
 * The file dialog, which a headless browser cannot show, answers with a file of the page's own
 * storage: the browser's real file writer, as for a file the reader picked. (Run in the page.)
 */
function answerFileDialog() {
  const scope = globalThis as unknown as PageGlobals;
  scope.showSaveFilePicker = async (options) => {
    scope.picked = options;
    return (await scope.navigator.storage.getDirectory()).getFileHandle('export.csv', { create: true });
  };
}

/** The little of the page's globals these tests use (no DOM types here). */
interface PageGlobals {
  showSaveFilePicker(options: unknown): Promise<unknown>;
  picked?: unknown;
  gathered: string[];
  piped: string[];
  fetch(input: unknown, init?: unknown): Promise<PageResponse>;
  Response: { new (body: unknown, init: object): PageResponse; prototype: Record<string, ((...args: unknown[]) => unknown) | undefined> };
  ReadableStream: {
    new (source: { pull(controller: { enqueue(value: unknown): void; error(error: unknown): void }): Promise<void> }): unknown;
    prototype: { pipeTo(destination: unknown, options?: unknown): Promise<void> };
  };
  TypeError: typeof TypeError;
  navigator: { storage: { getDirectory(): Promise<{ getFileHandle(name: string, options?: object): Promise<{
    getFile(): Promise<{ size: number; text(): Promise<string> }>;
    createWritable(): Promise<{ write(text: string): Promise<void>; close(): Promise<void> }>;
  }> }> } };
}
interface PageResponse { url: string; status: number; headers: unknown; body: { getReader(): { read(): Promise<{ done: boolean; value?: unknown }>; cancel(): Promise<void> } } }
