/**
 * What a person met using the dashboard on a service with a realistic mix of runs, each as they
 * met it: a trajectory that stopped 50,000 rows in, a diverged run's log axis and contour plot
 * labelled only at the top or with run-together numbers, curves that vanished for good after one
 * failed refresh, a zoom undone by the next live rows, failures shown as "not recorded", the runs
 * of a forgotten key still listed, and runs submitted together all called by the same short id.
 */
import { describe, expect, it } from 'vitest';
import { drawnAxes, expression, screenshots, useDashboard, usePages } from './support/dashboard.ts';

const dashboard = useDashboard();
const open = usePages(dashboard);

describe('dashboard findings', () => {
  it('labels the whole log axis of a diverged run, and writes its contour plot\'s ticks as short numbers', async () => {
    // SGD at 0.3 on x⁴ − 3x² + y² from (2, 1): the loss goes from 5 to about 1e200 in six steps, x to 2e150.
    const id = await dashboard.submitRun({ objective: expression('x^4 - 3*x^2 + y^2', [2, 1]), optimizer: { name: 'sgd', learningRate: 0.3 }, training: { maxSteps: 800 } });
    const page = await open(`#/runs/${id}`);
    await page.locator('.curve-plot canvas').first().waitFor();
    const loss = (await drawnAxes(page)).find((axis) => axis.scale === 'loss')!;
    // Labels near the run's first losses too, not only in the top forty decades.
    expect(Math.min(...loss.values.map(Number)), loss.values.join(' ')).toBeLessThan(1e20);
    await page.locator('.contour-plot').waitFor();
    const ticks = await page.locator('.contour-plot .chart-grid text:not(.axis-name)').allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (const tick of ticks) expect(tick, ticks.join(' | ')).toMatch(/^[-−]?\d+(\.\d+)?(e-?\d+)?$/);
    for (const tick of ticks) expect(tick.length, ticks.join(' | ')).toBeLessThanOrEqual(8);
    await page.screenshot({ path: `${screenshots}/finding-diverged-axes.png`, fullPage: true });
  });
});
