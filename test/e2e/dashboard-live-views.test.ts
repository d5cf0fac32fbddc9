/**
 * The dashboard's live views as a user meets them: the sweeps list refiltered while a slow
 * refresh is on its way, a compare view whose landscape cannot be built, a sweep's parameter
 * axis over tiny categorical values, the compared trials of a running sweep redrawn with the
 * reader's hidden lines, zoom and focus kept, and a runs list whose refresh fails.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { leaderboard, quadraticBase, waitForSweep } from '../integration/sweeps/support.ts';
import { drawnSeries, expression, screenshots, useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard({}, { sweeps: true });
const open = usePages(dashboard);
/** Waits on a condition for as long as the test lets it: a busy machine makes it slower, not red. */
const untilTrue = { timeout: 90_000 };
const headers = () => ({ authorization: dashboard.authorization });

async function submitSweep(spec: object): Promise<string> {
  const response = await dashboard.testApp.app.inject({ method: 'POST', url: '/v1/sweeps', headers: headers(), payload: spec });
  if (response.statusCode !== 201) throw new Error(`sweep refused: ${response.body}`);
  return response.json().id;
}

const unavailable = (route: Route) => route.fulfill({
  status: 503, contentType: 'application/problem+json',
  body: JSON.stringify({ status: 503, code: 'database_unavailable', title: 'The database is unavailable', detail: 'PostgreSQL did not answer in time.' }),
});

/** Records the changes of `selector`'s children (a redraw of a list or table replaces them; an age written again does not). */
const watchChildren = (page: Page, selector: string) => page.evaluate((watched) => {
  const browser = globalThis as unknown as {
    childChanges: number;
    document: { querySelector(selector: string): unknown };
    MutationObserver: new (callback: (records: unknown[]) => void) => { observe(target: unknown, options: object): void };
  };
  browser.childChanges = 0;
  new browser.MutationObserver((records) => { browser.childChanges += records.length; }).observe(browser.document.querySelector(watched), { childList: true });
}, selector);
/**
 * A dashboard module, imported in the page (inside `page.evaluate`): written as `import()`, the
 * test's own transform would rewrite it into a function the page does not have.
 */
declare function browserImport(path: string): Promise<unknown>;
const defineBrowserImport = (page: Page) => page.evaluate("globalThis.browserImport = (path) => import(path)");

/** Records the changes of the page's notice (#notice): its text written, even the same again. */
const watchNotice = (page: Page) => page.evaluate(() => {
  const browser = globalThis as unknown as {
    noticeChanges: number;
    document: { querySelector(selector: string): unknown };
    MutationObserver: new (callback: (records: unknown[]) => void) => { observe(target: unknown, options: object): void };
  };
  browser.noticeChanges = 0;
  new browser.MutationObserver((records) => { browser.noticeChanges += records.length; })
    .observe(browser.document.querySelector('#notice'), { childList: true, characterData: true, subtree: true });
});
const noticeChanges = (page: Page) => page.evaluate(() => (globalThis as unknown as { noticeChanges: number }).noticeChanges);
const childChanges = (page: Page) => page.evaluate(() => (globalThis as unknown as { childChanges: number }).childChanges);

/** The element with the keyboard's focus: its tag and the attributes that say which it is. */
const focused = (page: Page) => page.evaluate(() => {
  const element = (globalThis as unknown as { document: { activeElement: { tagName: string; getAttribute(name: string): string | null } } }).document.activeElement;
  return { tag: element.tagName, runId: element.getAttribute('data-run-id'), series: element.getAttribute('data-series') };
});

/** uPlot's step range on the curve chart in `selector`. */
const stepRange = (page: Page, selector: string) => page.locator(selector).first().evaluate((element: unknown) => {
  const { min, max } = (element as { uplot: { scales: { x: { min: number; max: number } } } }).uplot.scales.x;
  return { min, max };
});

describe('dashboard live views', () => {
  it('shows the sweeps of the status chosen, not the slower answer for the status before it', async () => {
    // Its trials run long enough to be cancelled, however fast the machine.
    const cancelled = await submitSweep({ name: 'cancelled early', base: { ...quadraticBase, training: { maxSteps: 50_000_000 } }, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' }, parallelism: 1 });
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

  it('says why a compare view and a run page have no contour plot when its landscape cannot be built, the rest of the view usable', async () => {
    const stored = await dashboard.testApp.app.inject({
      method: 'POST', url: '/v1/objectives', headers: headers(), payload: { objective: expression('(x - 1)^2 + (y + 2)^2', [3, 3]) },
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const objective = { id: stored.json().id as string };
    const runs = [
      await dashboard.submitRun({ objective, optimizer: { name: 'sgd', learningRate: 0.05 }, training: { maxSteps: 100 } }),
      await dashboard.submitRun({ objective, optimizer: { name: 'adam', learningRate: 0.05 }, training: { maxSteps: 100 } }),
    ];
    // The stored definition no longer validates (written by an earlier release): its landscape is a 422.
    await dashboard.testApp.services.database.objective.update({ where: { id: objective.id }, data: { definition: { type: 'retired-kind', expression: 'x + y' } } });
    const landscape = await dashboard.testApp.app.inject({ url: `/v1/runs/${runs[0]}/landscape`, headers: headers() });
    expect(landscape.statusCode).toBe(422);
    const { detail, title } = landscape.json() as { detail: string; title: string };
    // What the API said, in words: its title and the validation's issue, not the issues' JSON.
    const readable = /^No contour plot: The objective cannot be built: objective: stored objective \S+ no longer validates; type: Invalid discriminator value/;
    expect(title).toBe('The objective cannot be built');

    const errorsBefore = dashboard.pageErrors.length;
    const page = await open(`#/compare/${runs.join(',')}`);
    const note = page.locator('.compare-landscape .landscape-note');
    await expect.poll(() => note.textContent(), untilTrue).toMatch(readable);
    expect(await note.textContent()).not.toMatch(/[[{"]/);
    // The API's text in full, folded under it.
    const full = page.locator('.compare-landscape details.landscape-refusal');
    expect(await full.locator('pre').textContent()).toBe(detail);
    expect(await full.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(false);
    expect(await page.locator('.compare-landscape').textContent()).not.toContain('Loading');
    // The rest works: the curves are drawn, a line can be hidden and a run removed.
    await expect.poll(async () => (await drawnSeries(page)).filter((series) => series.label.endsWith('· loss')).length, untilTrue).toBe(2);
    await page.locator('.legend-item[data-series="loss"]').first().click();
    expect((await drawnSeries(page)).filter((series) => !series.show)).toHaveLength(1);
    await page.screenshot({ path: `${screenshots}/compare-landscape-refused.png`, fullPage: true });
    await full.locator('summary').click();
    await full.screenshot({ path: `${screenshots}/compare-landscape-refused-details.png` });
    await page.getByRole('button', { name: /^Remove adam/ }).click();
    await expect.poll(() => page.locator('.compare-table tbody tr').count(), untilTrue).toBe(1);
    await expect.poll(() => note.textContent(), untilTrue).toMatch(readable);
    // A run's own page says it in the same words, the API's text folded under them.
    const runPage = await open(`#/runs/${runs[0]}`);
    const runNote = runPage.locator('.landscape-card .landscape-note');
    await expect.poll(() => runNote.textContent(), untilTrue).toMatch(readable);
    expect(await runPage.locator('.landscape-card details.landscape-refusal pre').textContent()).toBe(detail);
    // What the browser said of the landscapes refused, and nothing else.
    expect(dashboard.pageErrors.splice(errorsBefore).filter((entry) => !entry.includes('422'))).toEqual([]);
  });

  it('labels a parameter axis of tiny categorical values compactly, the labels apart', async () => {
    const learningRates = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30].map((multiple) => multiple * 1e-9);
    const id = await submitSweep({
      name: 'tiny rates', parallelism: 2, base: { ...quadraticBase, training: { maxSteps: 20 } },
      parameters: { 'optimizer.learningRate': { type: 'categorical', values: learningRates } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
    });
    await waitForSweep(dashboard.testApp.app, dashboard.authorization, id);
    const page = await open(`#/sweeps/${id}`);
    const plot = page.locator('.parameter-plot[data-parameter="optimizer.learningRate"]');
    await expect.poll(() => plot.locator('circle.trial-point').count(), untilTrue).toBe(12);
    const labels = await plot.locator('.x-tick').evaluateAll((texts) => texts.map((text) => {
      const box = (text as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      return { text: (text as unknown as { textContent: string }).textContent, left: box.left, right: box.right };
    }));
    const words = labels.map((label) => label.text);
    expect(words.length, words.join(' | ')).toBeGreaterThanOrEqual(4);
    // Each the value written short, in order, the first one's labelled (others may be skipped to keep them apart).
    const compact = ['1e-9', '2e-9', '3e-9', '4e-9', '5e-9', '6e-9', '7e-9', '8e-9', '9e-9', '1e-8', '2e-8', '3e-8'];
    expect(words[0]).toBe('1e-9');
    expect(compact.filter((word) => words.includes(word)), words.join(' | ')).toEqual(words);
    // Left to right, each label ends before the next begins.
    const sorted = [...labels].sort((a, b) => a.left - b.left);
    for (let index = 1; index < sorted.length; index++) expect(sorted[index]!.left - sorted[index - 1]!.right, words.join(' | ')).toBeGreaterThanOrEqual(4);
    // The losses differ beyond 3 significant digits: the value axis's neighbouring ticks still read apart.
    const values = await plot.locator('.y-tick').allTextContents();
    expect(values.length).toBeGreaterThanOrEqual(2);
    values.forEach((value, index) => { if (index > 0) expect(value, values.join(' | ')).not.toBe(values[index - 1]); });
    // And they fit beside the axis's name, not over it.
    type Boxed = { getBoundingClientRect(): { left: number; right: number } };
    const name = await plot.locator('.y-name').evaluate((element) => (element as unknown as Boxed).getBoundingClientRect().right);
    const lefts = await plot.locator('.y-tick').evaluateAll((texts) => texts.map((text) => (text as unknown as Boxed).getBoundingClientRect().left));
    expect(Math.min(...lefts), values.join(' | ')).toBeGreaterThanOrEqual(name);
    await plot.screenshot({ path: `${screenshots}/sweep-tiny-categorical-axis.png` });
    expect(dashboard.pageErrors).toEqual([]);
  });

  it('labels numeric categories with the values they are, and only the labels that collide in full', async () => {
    const page = await open('');
    await page.locator('#notice').waitFor({ state: 'attached' });
    await defineBrowserImport(page);
    const labels = (categories: string[]) => page.evaluate(async (given) => {
      const { renderScatterPlot } = await browserImport('/dashboard/charts/scatter-plot.js') as {
        renderScatterPlot(plot: object, size: object): { querySelectorAll(selector: string): Iterable<{ textContent: string }> };
      };
      const svg = renderScatterPlot({
        x: { label: 'parameter', kind: 'category', categories: given }, y: { label: 'finalLoss', log: false },
        points: given.map((category, index) => ({ x: category, y: index, status: 'completed', label: category, runId: `r${index}` })), ariaLabel: 'probe',
      }, { width: 560, height: 260 });
      return [...svg.querySelectorAll('.x-tick')].map((text) => text.textContent);
    }, categories);
    // More than 6 significant digits: the value, not a neighbour of it (123456789 was 1.23457e8).
    expect(await labels(['123456789', '223456789'])).toEqual(['123456789', '223456789']);
    expect(await labels(['0.001234567', '0.002345678'])).toEqual(['0.001234567', '0.002345678']);
    // A sum's rounding is no digit of its own; values apart are written apart.
    expect(await labels(['3.0000000000000004e-9', '0.1', '0.1000000001'])).toEqual(['3e-9', '0.1', '0.1000000001']);
    // Two that read the same written short are written as they are, those two alone.
    expect(await labels(['1e-9', '1.0000000000000001e-9', '2.0000000000000004e-9'])).toEqual(['1e-9', '1.0000000000000001e-9', '2e-9']);
    expect(dashboard.pageErrors).toEqual([]);
  });

  it("keeps the reader's hidden lines, zoom and focused legend entry when a running sweep's compared trials are redrawn", async () => {
    // A run of 100 steps, to compare with trials of millions.
    const short = await dashboard.submitRun({ objective: quadraticBase.objective, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 100 } });
    // Trials of 4 s each, one at a time: the compared trials are redrawn as they end.
    const id = await submitSweep({
      name: 'redrawn trials', parallelism: 1,
      base: { ...quadraticBase, training: { maxSteps: 1_000_000_000, timeLimitSeconds: 4 }, record: { every: 200 } },
      parameters: { 'optimizer.learningRate': { type: 'categorical', values: [1e-9, 2e-9, 3e-9, 4e-9, 5e-9, 6e-9, 7e-9, 8e-9] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
    });
    const page = await open(`#/sweeps/${id}`);
    const plot = '.sweep-compare .curve-plot';
    const markPlot = () => page.locator(plot).first().evaluate((element: unknown) => { (element as { dataset: Record<string, string> }).dataset['before'] = 'redraw'; });
    const redrawn = async () => {
      await expect.poll(() => page.locator(`${plot}[data-before]`).count(), untilTrue).toBe(0);
      await page.locator(`${plot} canvas`).first().waitFor(untilTrue);
    };
    // From the first live redraw on (a trial ended), the reader has about 20 s before the next.
    await page.locator(`${plot} canvas`).first().waitFor(untilTrue);
    await markPlot();
    await redrawn();
    await page.locator('.sweep-compare input[name="gradNorm"]').check();
    const first = page.locator('.sweep-compare .legend-item[data-series="loss"]').first();
    const runId = (await first.getAttribute('data-run-id'))!;
    const hiddenLabel = (await first.textContent())!;
    await first.click();
    // Drag across the middle of the plot: the steps between are shown.
    const over = await page.locator(`${plot} .u-over`).first().boundingBox();
    await page.mouse.move(over!.x + over!.width * 0.3, over!.y + over!.height / 2);
    await page.mouse.down();
    await page.mouse.move(over!.x + over!.width * 0.6, over!.y + over!.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoom = await stepRange(page, plot);
    await page.locator(`.sweep-compare .legend-item[data-run-id="${runId}"][data-series="gradNorm"]`).focus();
    await markPlot();

    await redrawn();
    const series = await drawnSeries(page, plot);
    expect(series.find((entry) => entry.label === hiddenLabel)?.show).toBe(false);
    expect(series.filter((entry) => entry.label.endsWith('· loss') && entry.label !== hiddenLabel).every((entry) => entry.show)).toBe(true);
    expect(await page.locator(`.sweep-compare .legend-item[data-run-id="${runId}"][data-series="loss"]`).getAttribute('aria-pressed')).toBe('false');
    expect(await stepRange(page, plot)).toEqual(zoom);
    expect(await focused(page)).toEqual({ tag: 'BUTTON', runId, series: 'gradNorm' });
    await page.screenshot({ path: `${screenshots}/sweep-compare-redrawn-view-kept.png`, fullPage: true });

    // Redrawn as the sweep's page redraws its compared trials (compare-view.js, live), with two
    // of its trials that ended and the short run: the lines are those of a run and a field,
    // whatever they are called. A trial pruned since is labelled so, and two trials of an
    // optimizer race may share a label.
    await expect.poll(async () => (await leaderboard(dashboard.testApp.app, dashboard.authorization, id)).filter((trial) => trial.runId && !['queued', 'running'].includes(trial.status)).length, untilTrue).toBeGreaterThanOrEqual(2);
    const [pruned, race] = (await leaderboard(dashboard.testApp.app, dashboard.authorization, id)).filter((trial) => trial.runId && !['queued', 'running'].includes(trial.status)).map((trial) => trial.runId!);
    await defineBrowserImport(page);
    await page.evaluate(async () => {
      const browser = globalThis as unknown as { document: { body: { append(element: unknown): void }; createElement(name: string): { className: string } }; redrawn: unknown };
      const { createCompareView } = await browserImport('/dashboard/compare/compare-view.js') as { createCompareView(container: unknown): unknown };
      const holder = browser.document.createElement('div');
      holder.className = 'redrawn';
      browser.document.body.append(holder);
      browser.redrawn = createCompareView(holder);
    });
    const showRedrawn = (ids: string[], labels: Record<string, string>, stopped: string[], live: boolean) => page.evaluate(async ([shown, named, ended, again]) => {
      const { redrawn } = globalThis as unknown as { redrawn: { show(ids: string[], options: object): Promise<boolean> } };
      return redrawn.show(shown, { labels: named, stopped: new Set(ended), live: again });
    }, [ids, labels, stopped, live] as const);
    const redrawnPlot = '.redrawn .curve-plot';
    const lossEntry = (run: string) => page.locator(`.redrawn .legend-item[data-run-id="${run}"][data-series="loss"]`);
    const shownOf = async (label: string) => (await drawnSeries(page, redrawnPlot)).find((entry) => entry.label === label)?.show;
    expect(await showRedrawn([pruned!, race!, short], { [pruned!]: '#3 lr=4e-9', [race!]: 'sgd', [short]: 'sgd' }, [], false)).toBe(true);
    await lossEntry(pruned!).click();
    await lossEntry(race!).click();
    // Zoomed to the second half of the trial's steps.
    const trialSteps = await page.locator(redrawnPlot).evaluate((element: unknown) => {
      const chart = (element as { uplot: { data: number[][]; setScale(scale: string, range: object): void } }).uplot;
      const last = chart.data[0]!.at(-1)!;
      chart.setScale('x', { min: last / 2, max: last });
      return last;
    });
    expect(await stepRange(page, redrawnPlot)).toEqual({ min: trialSteps / 2, max: trialSteps });

    // The trial pruned since: its line stays hidden under its new label; the other 'sgd' stays drawn.
    expect(await showRedrawn([pruned!, race!, short], { [pruned!]: '#3 lr=4e-9 · pruned at step 200', [race!]: 'sgd', [short]: 'sgd' }, [pruned!], true)).toBe(true);
    expect(await shownOf('#3 lr=4e-9 · pruned at step 200 · loss')).toBe(false);
    expect(await lossEntry(pruned!).getAttribute('aria-pressed')).toBe('false');
    expect((await drawnSeries(page, redrawnPlot)).filter((entry) => entry.label === 'sgd · loss').map((entry) => entry.show)).toEqual([false, true]);
    expect(await lossEntry(race!).getAttribute('aria-pressed')).toBe('false');
    expect(await lossEntry(short).getAttribute('aria-pressed')).toBe('true');
    expect(await stepRange(page, redrawnPlot)).toEqual({ min: trialSteps / 2, max: trialSteps });

    // The trials gone, the zoom is past every step drawn: the chart shows the steps there are, not nothing.
    const shortRun = await dashboard.submitRun({ objective: quadraticBase.objective, optimizer: { name: 'adam', learningRate: 0.01 }, training: { maxSteps: 100 } });
    expect(await showRedrawn([short, shortRun], { [short]: 'sgd', [shortRun]: 'adam' }, [], true)).toBe(true);
    const steps = await page.locator(redrawnPlot).evaluate((element: unknown) => (element as { uplot: { data: number[][] } }).uplot.data[0]!);
    expect(await stepRange(page, redrawnPlot)).toEqual({ min: steps[0], max: steps.at(-1) });
    expect((await drawnSeries(page, redrawnPlot)).filter((entry) => entry.label.endsWith('· loss')).map((entry) => [entry.show, entry.values > 0])).toEqual([[true, true], [true, true]]);
    await page.locator('.redrawn').screenshot({ path: `${screenshots}/compare-redrawn-zoom-past-data.png` });
    await dashboard.testApp.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
    expect(dashboard.pageErrors).toEqual([]);
  }, 240_000);

  it('leaves the runs list as it is when a refresh fails, saying so in the notice alone', async () => {
    await dashboard.submitRun({ objective: expression('x^2 + y^2', [1, 1]), optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } });
    const page = await open('');
    // The page's clock is the test's: the list's next refresh comes when the test moves it on.
    await page.clock.install();
    await page.reload();
    await page.locator('.runs [data-run-id]').first().waitFor();
    const errorsBefore = dashboard.pageErrors.length;
    const rows = await page.locator('.runs [data-run-id]').count();
    await watchChildren(page, '.runs-page');
    const runsRead = (url: URL) => url.pathname === '/v1/runs';
    let requestsFailed = 0;
    const failing = async (route: Route) => { await unavailable(route); requestsFailed += 1; };
    await page.route(runsRead, failing);
    const nextRefresh = () => page.clock.fastForward(20_000);
    await nextRefresh();
    const notice = page.locator('#notice');
    await expect.poll(() => notice.isVisible(), untilTrue).toBe(true);
    expect(await notice.textContent()).toBe('PostgreSQL did not answer in time.');
    expect(await page.locator('.runs [data-run-id]').count()).toBe(rows);
    expect(await childChanges(page)).toBe(0);
    // The next refresh fails the same way: the notice (an alert, read out at every change) is not written again.
    await watchNotice(page);
    await nextRefresh();
    await expect.poll(() => requestsFailed, untilTrue).toBeGreaterThanOrEqual(2);
    await nextRefresh();
    await expect.poll(() => requestsFailed, untilTrue).toBeGreaterThanOrEqual(3);
    // The page has had the answer (it is read, then said): a moment for it to say it.
    await page.waitForTimeout(500);
    expect(await notice.textContent()).toBe('PostgreSQL did not answer in time.');
    expect(await noticeChanges(page)).toBe(0);
    await page.screenshot({ path: `${screenshots}/runs-refresh-failed.png`, fullPage: true });
    // Read again: the notice goes, the list still the nodes it was (the page is unchanged).
    await page.unroute(runsRead);
    await nextRefresh();
    await expect.poll(() => notice.isVisible(), untilTrue).toBe(false);
    expect(await childChanges(page)).toBe(0);

    // A search typed while the list cannot be read: the runs of no search are not its answer, the
    // list says why in their place; once read, the runs found are listed.
    await page.route(runsRead, failing);
    await page.locator('input[name="search"]').fill('sgd');
    await page.clock.fastForward(400);
    const listError = page.locator('.runs-page .list-error');
    await expect.poll(() => listError.count(), untilTrue).toBe(1);
    expect(await listError.textContent()).toBe('The runs could not be loaded: PostgreSQL did not answer in time.');
    expect(await page.locator('.runs [data-run-id]').count()).toBe(0);
    await page.screenshot({ path: `${screenshots}/runs-search-failed.png`, fullPage: true });
    await page.unroute(runsRead);
    await nextRefresh();
    const found = page.locator('.runs [data-run-id]');
    await expect.poll(() => found.count(), untilTrue).toBeGreaterThan(0);
    expect((await found.allTextContents()).every((text) => text.includes('sgd'))).toBe(true);
    expect(await listError.count()).toBe(0);
    await expect.poll(() => notice.isVisible(), untilTrue).toBe(false);
    // What the browser said of the answers refused, and nothing else.
    expect(dashboard.pageErrors.splice(errorsBefore).filter((entry) => !entry.includes('503'))).toEqual([]);
  });
});
