/** Why a sweep ends: the statuses its reasons end in, and the README's list of them, held to the registry. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sweepEndRegistry, sweepStatuses, sweepViewSchema } from '../../src/contracts/sweep-view.ts';

const reasons = Object.keys(sweepEndRegistry) as (keyof typeof sweepEndRegistry)[];

describe('sweep end reasons', () => {
  it('end in the statuses a user expects: a sweep with no best trial has failed, unless a client cancelled every trial', () => {
    expect(Object.fromEntries(reasons.map((reason) => [reason, sweepEndRegistry[reason].status]))).toEqual({
      budget_exhausted: 'completed', grid_exhausted: 'completed', target_reached: 'completed', time_limit: 'completed',
      no_trial_finished: 'failed', no_best_trial: 'failed', too_many_failures: 'failed', coordination_failed: 'failed', refused_spec: 'failed',
      trials_cancelled: 'cancelled', cancelled: 'cancelled',
    });
  });

  it.each(reasons)('%s is described in the OpenAPI schema', (reason) => {
    const result = sweepViewSchema.shape.result.unwrap();
    expect(result.shape.reason.description).toContain(`\`${reason}\`: ${sweepEndRegistry[reason].description}`);
  });

  it('are each named in the README where it lists them', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const from = 'A sweep ends with `result.reason`';
    const start = readme.indexOf(from);
    expect(start).toBeGreaterThanOrEqual(0);
    const named = [...readme.slice(start + from.length, readme.indexOf('Coordination rounds', start)).matchAll(/`(\w+)`/g)]
      .map(([, name]) => name)
      // The statuses named beside some (`cancelled` is both).
      .filter((name) => name in sweepEndRegistry || !(sweepStatuses as readonly string[]).includes(name));
    expect([...named].sort()).toEqual([...reasons].sort());
  });

  it('are each placed by the description of `best`: whether a sweep that ended so has one', () => {
    const best = sweepViewSchema.shape.best.description!;
    // Every reason is named there, or falls under its status ("A completed sweep", "one cancelled", "failed for another reason").
    for (const reason of ['no_trial_finished', 'no_best_trial', 'trials_cancelled']) expect(best).toContain(reason);
    expect(best).toMatch(/A completed sweep has one/);
    expect(best).toMatch(/one cancelled, or failed for another reason, may have one or not/);
  });
});
