/** The run-status and stop-reason tables: one source that the database enum, the API and the dashboard agree with. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activeRunStatuses, finalRunStatuses, isFinalRunStatus, rankedRunStatuses, runStatusRegistry, runStatuses, runStatusSchema } from '../../src/contracts/run-status.ts';
import { stopReasonSchema } from '../../src/contracts/run-result.ts';
import { finalStatusOf, stopReasonRegistry, stopReasons } from '../../src/core/training/index.ts';
import { RunStatus as DatabaseRunStatus } from '../../src/generated/prisma/enums.ts';
import { metricFieldViews } from '../../src/contracts/metric-fields.ts';
import { contractsModule } from '../../src/api/routes/dashboard/contracts-module.ts';
import { bestStepText } from '../../src/contracts/best-step.ts';

describe('run statuses', () => {
  it('are the database enum, value for value', () => {
    expect([...runStatuses].sort()).toEqual(Object.values(DatabaseRunStatus).sort());
  });

  it('split into active and final, and only final ones rank', () => {
    expect([...activeRunStatuses, ...finalRunStatuses].sort()).toEqual([...runStatuses].sort());
    expect(activeRunStatuses).toEqual(['queued', 'running']);
    for (const status of rankedRunStatuses) expect(isFinalRunStatus(status)).toBe(true);
    expect(rankedRunStatuses).toEqual(['completed', 'early_stopped', 'diverged']);
  });

  it.each(runStatuses)('%s is described in the OpenAPI schema and told apart by isFinalRunStatus', (status) => {
    expect(runStatusSchema.meta()?.description).toContain(`\`${status}\`: ${runStatusRegistry[status].description}`);
    expect(isFinalRunStatus(status)).toBe(runStatusRegistry[status].final);
  });

  it('rejects what is not a status', () => {
    expect(isFinalRunStatus('done')).toBe(false);
    expect(runStatusSchema.safeParse('done').success).toBe(false);
  });
});

describe('stop reasons', () => {
  it.each(stopReasons)('%s ends in a final status and is described', (reason) => {
    expect(isFinalRunStatus(finalStatusOf(reason))).toBe(true);
    expect(stopReasonSchema.meta()?.description).toContain(`\`${reason}\`: ${stopReasonRegistry[reason].description}`);
  });

  it('map to the statuses a user expects', () => {
    expect(Object.fromEntries(stopReasons.map((reason) => [reason, finalStatusOf(reason)]))).toEqual({
      max_steps: 'completed', early_stopping: 'early_stopped', loss_target: 'completed', grad_norm_target: 'completed',
      time_limit: 'completed', pruned: 'pruned', diverged: 'diverged', unbounded: 'diverged', cancelled: 'cancelled',
      metric_rows_quota: 'cancelled', error: 'failed',
    });
  });
});

describe('the dashboard module', () => {
  it('exports the same tables as a browser module', async () => {
    const url = `data:text/javascript;base64,${contractsModule().toString('base64')}`;
    const module = await import(url);
    expect(module.runStatuses).toEqual(runStatuses);
    expect([...module.finalRunStatuses]).toEqual(finalRunStatuses);
    expect(module.stopReasonRegistry).toEqual(stopReasonRegistry);
    expect(module.metricFields).toEqual(metricFieldViews);
  });

  it("says where a best value was measured in the CLI's words: the same function", async () => {
    const module = await import(`data:text/javascript;base64,${contractsModule().toString('base64')}`);
    for (const best of [{ step: 2872, atEnd: false }, { step: 3000, atEnd: true }, { step: 12 }]) expect(module.bestStepText(best)).toBe(bestStepText(best));
    expect(module.bestStepText({ step: 3000, atEnd: true })).toBe('at the end (step 3000)');
    expect(module.bestStepText({ step: 2872, atEnd: false })).toBe('at step 2872');
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const named = (from: string, to: string) => {
    const start = readme.indexOf(from);
    expect(start).toBeGreaterThanOrEqual(0);
    return [...readme.slice(start + from.length, readme.indexOf(to, start)).matchAll(/`(\w+)`/g)].map(([, name]) => name);
  };

  it('names every run status and every stop reason where it lists them', () => {
    expect(named("A run's `status` is", '; it is `running`')).toEqual(runStatuses);
    expect(named('with `stopReason` one of', ', and `message`').filter((name) => name !== 'TENANT_MAX_METRIC_ROWS')).toEqual(stopReasons);
  });
});
