import { describe, expect, it } from 'vitest';
import { createObjective } from '../../../src/core/objectives/create-objective.ts';
import { expressionLimits } from '../../../src/core/objectives/expression/limits.ts';
import { benchmarkObjectiveSpecSchema, expressionObjectiveSpecSchema, objectiveSpecSchema } from '../../../src/core/objectives/spec.ts';

/** The issues of a failed parse as [path, message] pairs. */
function issues(input: unknown): [string, string][] {
  const result = objectiveSpecSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => [issue.path.join('.'), issue.message]);
}

describe('expression objective spec', () => {
  const valid = { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] };

  it('accepts the README example and builds the objective', () => {
    const spec = objectiveSpecSchema.parse(valid);
    const objective = createObjective(spec);
    expect(objective.variables).toEqual(['x', 'y']);
    expect([...objective.initial]).toEqual([-1.5, 2]);
    expect(objective.value(objective.initial)).toBeCloseTo(2.5 ** 2 + 100 * 0.25 ** 2, 12);
  });

  it('starts at zeros when initial is absent', () => {
    const objective = createObjective(objectiveSpecSchema.parse({ ...valid, initial: undefined }));
    expect([...objective.initial]).toEqual([0, 0]);
  });

  it.each([
    [{ ...valid, expression: '(1 - x)^2 + 100*(y - x^2)^2)' }, [['expression', "unexpected ')' at column 28"]]],
    [{ ...valid, expression: 'x + z' }, [['expression', "unknown variable 'z' at column 5"]]],
    [{ ...valid, expression: 'foo(x)' }, [['expression', "function 'foo' does not exist at column 1"]]],
    [{ ...valid, variables: ['x', 'x'] }, [['variables.1', "variable 'x' is listed twice (positions 1 and 2)"]]],
    [{ ...valid, variables: ['x', 'exp'], initial: undefined }, [['variables.1', "variable 2: 'exp' is the name of a function"]]],
    [{ ...valid, initial: [1, 2, 3] }, [['initial', 'initial has 3 entries but there are 2 variables']]],
    [{ ...valid, expression: 'log(x) + y' }, [['initial', "the expression is NaN at the initial point"]]],
    [{ ...valid, expression: 'log(x) + y', initial: undefined }, [['expression', 'the expression is -Infinity at the initial point (all zeros)']]],
    [{ ...valid, expression: 'sqrt(x) + y', initial: [0, 1] }, [['initial', "the derivative with respect to 'x' is Infinity at the initial point"]]],
    [{ ...valid, extra: 1 }, [['', 'Unrecognized key: "extra"']]],
    // Every bad field in one answer: an expression that does not parse and a bad initial.
    [{ ...valid, expression: '(1 - x^2 + ', initial: [1, 'a'] }, [['initial.1', 'Invalid input: expected number, received string'], ['expression', 'unexpected end of expression at column 12']]],
    [{ ...valid, expression: '(1 - x^2 + ', initial: [1, 2, 3] }, [['initial', 'initial has 3 entries but there are 2 variables'], ['expression', 'unexpected end of expression at column 12']]],
    [{ ...valid, expression: 'x + z', extra: 1 }, [['', 'Unrecognized key: "extra"'], ['expression', "unknown variable 'z' at column 5"]]],
    [{ ...valid, expression: 'x'.repeat(expressionLimits.maxLength + 1) }, [['expression', `Too big: expected string to have <=${expressionLimits.maxLength} characters`]]],
  ])('reports %# at its path', (input, expected) => {
    expect(issues(input)).toEqual(expected);
  });

  it('rejects non-finite initial values', () => {
    expect(expressionObjectiveSpecSchema.safeParse({ ...valid, initial: [Infinity, 0] }).success).toBe(false);
  });
});

describe('benchmark objective spec', () => {
  it('accepts a name alone and applies the standard start', () => {
    const objective = createObjective(objectiveSpecSchema.parse({ type: 'benchmark', name: 'rosenbrock', dimensions: 1000 }));
    expect(objective.dimension).toBe(1000);
    expect(objective.initial[0]).toBe(-1.2);
    expect(objective.initial[1]).toBe(1);
  });

  it.each([
    [{ type: 'benchmark', name: 'nope' }, 'name'],
    [{ type: 'benchmark', name: 'beale', dimensions: 3 }, 'dimensions'],
    [{ type: 'benchmark', name: 'rosenbrock', dimensions: 1 }, 'dimensions'],
    [{ type: 'benchmark', name: 'rosenbrock', dimensions: 20_000_000 }, 'dimensions'],
    [{ type: 'benchmark', name: 'rosenbrock', dimensions: 2.5 }, 'dimensions'],
    [{ type: 'benchmark', name: 'rosenbrock', dimensions: 3, initial: [1, 2] }, 'initial'],
    [{ type: 'benchmark', name: 'beale', initial: [1, 2, 3] }, 'initial'],
    [{ type: 'benchmark', name: 'beale', conditionNumber: 10 }, 'conditionNumber'],
    [{ type: 'benchmark', name: 'quadratic', conditionNumber: 0.5 }, 'conditionNumber'],
  ])('rejects %j at %s', (input, path) => {
    expect(issues(input).map(([at]) => at)).toEqual([path]);
  });

  it('gives sentences for size problems', () => {
    expect(benchmarkObjectiveSpecSchema.safeParse({ type: 'benchmark', name: 'beale', dimensions: 3 }).error!.issues[0].message).toBe(
      'beale has exactly 2 dimensions, not 3',
    );
  });
});

describe('objective spec union', () => {
  it('rejects an unknown type at type', () => {
    expect(issues({ type: 'magic' }).map(([at]) => at)).toEqual(['type']);
  });

  it('has a model branch', () => {
    const spec = objectiveSpecSchema.parse({ type: 'model', model: 'linear', data: { features: [[1], [2]], targets: [1, 2] } });
    expect(spec.type).toBe('model');
    expect(createObjective(spec).dimension).toBe(2);
  });
});
