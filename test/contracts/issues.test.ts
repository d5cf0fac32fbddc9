/** Field issues as the API and the CLI list them: one per problem of a field. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFieldIssues } from '../../src/contracts/issues.ts';
import { sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';

const issuesOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : toFieldIssues(parsed.error);
};

describe('field issues', () => {
  const bounded = z.object({
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    from: z.coerce.number().int().min(1).max(2_147_483_647),
    wide: z.number().int().max(1e300),
    open: z.number().lt(10).max(10),
  });

  it.each([
    { field: 'seed', value: 1e308, message: 'Too big: expected number to be <=4294967295' },
    { field: 'seed', value: -1e308, message: 'Too small: expected number to be >=0' },
    { field: 'from', value: '1e308', message: 'Too big: expected number to be <=2147483647' },
    { field: 'from', value: '-1e308', message: 'Too small: expected number to be >=1' },
    // The field's own maximum beyond the safe integers: the safe integers bound it.
    { field: 'wide', value: 1e308, message: 'Too big: expected int to be <=9007199254740991' },
    // At one number, the exclusive bound is the tighter.
    { field: 'open', value: 11, message: 'Too big: expected number to be <10' },
  ])('names one bound of $field for $value, the tightest, where zod names several', ({ field, value, message }) => {
    const input = { seed: 1, from: '1', wide: 1, open: 1, [field]: value };
    expect(issuesOf(bounded, input)).toEqual([{ path: field, message, code: expect.stringMatching(/^too_(big|small)$/) }]);
  });

  it('names one bound of sampler.seed in a sweep spec', () => {
    const spec = {
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      sampler: { type: 'random', seed: 1e308 },
    };
    expect(issuesOf(sweepSpecSchema, spec)).toEqual([{ path: 'sampler.seed', message: 'Too big: expected number to be <=4294967295', code: 'too_big' }]);
  });

  it('keeps the bounds of different fields, and of the elements of a list', () => {
    const list = z.object({ values: z.array(z.number().int().max(5)), other: z.number().int().max(7) });
    expect(issuesOf(list, { values: [1e308, 6], other: 1e308 }).map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'values[0]: Too big: expected number to be <=5',
      'values[1]: Too big: expected number to be <=5',
      'other: Too big: expected number to be <=7',
    ]);
  });
});
