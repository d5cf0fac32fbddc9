/**
 * Grid search: every combination of the parameters' values exactly once. Conditional
 * parameters multiply only the branches where they are active. The combinations are listed in
 * declaration order, then shuffled by the seed (as Optuna's grid sampler does, so a budget
 * smaller than the grid still spreads over it); trial n takes combination n. Claiming trial
 * numbers once (the service does it in the database) is what makes every point run once.
 */
import { z } from 'zod';
import type { SamplerDefinition, SpaceIssue } from './sampler.ts';
import { type Distribution, type ParameterValue, type ParameterValues, type SearchSpace } from '../search-space.ts';
import { Random } from '../../random.ts';

const maxGridSize = 100_000;

const gridOptions = z.strictObject({});

/** How many values an enumerable distribution has (not listed), or null when it is a continuous range. */
function valueCount(distribution: Distribution): number | null {
  if (distribution.kind === 'categorical') return distribution.choices.length;
  if (distribution.kind === 'float' && distribution.step === null) return null;
  return Math.round((distribution.high - distribution.low) / distribution.step!) + 1;
}

/** A parameter's `when` on one earlier parameter: the values it allows there. */
interface Condition {
  readonly on: number;
  readonly allowed: ReadonlySet<ParameterValue>;
}

/** A later parameter's condition on this one. */
interface Dependent {
  readonly target: number;
  readonly allowed: ReadonlySet<ParameterValue>;
}

/**
 * The values of a parameter some later `when` names, grouped by which of those conditions each
 * satisfies: values of one group lead to the same count of combinations after them.
 */
interface ValueGroups {
  readonly groupOf: Int32Array;
  readonly sizes: readonly number[];
  /** Per group, per dependent: whether the group's values satisfy the dependent's condition. */
  readonly passes: readonly (readonly boolean[])[];
}

interface GridParameter {
  readonly name: string;
  readonly distribution: Distribution;
  readonly size: number;
  readonly dependents: readonly Dependent[];
  /** Null when no later `when` names it, or it has more values than a grid holds. */
  readonly groups: ValueGroups | null;
}

/** Thrown when counting the grid would take more steps than its counter may (see maxCountingVisits). */
class TooIntricate extends Error {
  constructor(limit: number) {
    super(`Counting the grid's combinations would take more than ${limit} steps.`);
  }
}

/**
 * Steps the count of a grid may take (a step follows one parameter under one combination of the
 * conditions still open), so that a submission never holds the API's event loop for long: the
 * count is memoised, so it takes a few steps per parameter and value unless the conditions
 * reach back to many parameters at once in ways that cannot be told apart. A submission is held
 * to it; a worker is not, as a sweep accepted when the count was made otherwise (by listing the
 * grid, at most maxGridSize points) must still run.
 */
const maxCountingVisits = 20_000;

/** The value at `index` of an enumerable distribution: low + index·step for a range. */
function valueAt(distribution: Distribution, index: number): ParameterValue {
  return distribution.kind === 'categorical' ? distribution.choices[index] : distribution.low + index * distribution.step!;
}

/**
 * The grid's combinations, counted without listing them and each numbered in declaration order
 * without listing the ones before it. `open[j]` says whether parameter j's `when` holds on the
 * parameters decided so far; the count of the combinations from parameter i on depends only on
 * `open` of the parameters from i on, so it is memoised by them. A parameter no `when` names
 * multiplies the count after it, and the values of one that some `when` names are followed one
 * group at a time.
 */
class GridCounter {
  private readonly parameters: readonly GridParameter[];
  private readonly open: Uint8Array;
  /** Per index: the conditional parameters from that index on, whose `open` keys the memo. */
  private readonly keyed: readonly (readonly number[])[];
  private readonly memo = new Map<string, number>();
  private visits = 0;
  readonly size: number;
  /** The steps counting took. */
  readonly steps: number;

  constructor(space: SearchSpace, private readonly limit: number, private readonly maxVisits: number) {
    const index = new Map(space.map((parameter, at) => [parameter.name, at]));
    const conditions: Condition[][] = space.map((parameter) =>
      Object.entries(parameter.when ?? {}).map(([name, allowed]) => ({ on: index.get(name)!, allowed: new Set(allowed) })),
    );
    const dependents: Dependent[][] = space.map(() => []);
    conditions.forEach((list, target) => list.forEach(({ on, allowed }) => dependents[on].push({ target, allowed })));
    this.parameters = space.map((parameter, at) => {
      const size = valueCount(parameter.distribution)!;
      const groups = dependents[at].length > 0 && size <= limit ? this.group(parameter.distribution, size, dependents[at]) : null;
      return { name: parameter.name, distribution: parameter.distribution, size, dependents: dependents[at], groups };
    });
    this.open = new Uint8Array(space.length).fill(1);
    this.keyed = space.map((_, at) => conditions.flatMap((list, target) => (target >= at && list.length > 0 ? [target] : [])));
    this.size = this.count(0);
    this.steps = this.visits;
    this.visits = -Infinity;
  }

  private spend(steps: number): void {
    this.visits += steps;
    if (this.visits > this.maxVisits) throw new TooIntricate(this.maxVisits);
  }

  private group(distribution: Distribution, size: number, dependents: readonly Dependent[]): ValueGroups {
    this.spend(size);
    const groupOf = new Int32Array(size);
    const bySignature = new Map<string, number>();
    const sizes: number[] = [];
    const passes: boolean[][] = [];
    for (let at = 0; at < size; at++) {
      const value = valueAt(distribution, at);
      const pass = dependents.map((dependent) => dependent.allowed.has(value));
      const signature = pass.map(Number).join('');
      let group = bySignature.get(signature);
      if (group === undefined) {
        group = sizes.length;
        bySignature.set(signature, group);
        sizes.push(0);
        passes.push(pass);
      }
      groupOf[at] = group;
      sizes[group] += 1;
    }
    return { groupOf, sizes, passes };
  }

  /** Closes the conditions of the parameter's dependents its value (or its absence) fails; returns what to restore. */
  private decide(parameter: GridParameter, passes: readonly boolean[] | null): number[] {
    const saved: number[] = [];
    for (let at = 0; at < parameter.dependents.length; at++) {
      const target = parameter.dependents[at].target;
      saved.push(this.open[target]);
      if (passes === null || !passes[at]) this.open[target] = 0;
    }
    return saved;
  }

  private restore(parameter: GridParameter, saved: readonly number[]): void {
    for (let at = 0; at < parameter.dependents.length; at++) this.open[parameter.dependents[at].target] = saved[at];
  }

  /** The combinations of the parameters from `at` on, given `open`; `limit + 1` once larger. */
  private count(at: number): number {
    if (at === this.parameters.length) return 1;
    this.spend(1);
    let key = `${at}:`;
    for (const target of this.keyed[at]) key += this.open[target] === 1 ? '1' : '0';
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const parameter = this.parameters[at];
    let total: number;
    if (!this.open[at]) {
      const saved = this.decide(parameter, null);
      total = this.count(at + 1);
      this.restore(parameter, saved);
    } else if (parameter.dependents.length === 0) {
      total = Math.min(this.limit + 1, parameter.size * this.count(at + 1));
    } else if (parameter.groups === null) {
      total = this.limit + 1;
    } else {
      total = 0;
      for (const [group, size] of parameter.groups.sizes.entries()) {
        total = Math.min(this.limit + 1, total + size * this.following(parameter, at, parameter.groups.passes[group]));
      }
    }
    this.memo.set(key, total);
    return total;
  }

  /** The combinations after parameter `at` when it takes a value of a group passing `passes`. */
  private following(parameter: GridParameter, at: number, passes: readonly boolean[]): number {
    const saved = this.decide(parameter, passes);
    const count = this.count(at + 1);
    this.restore(parameter, saved);
    return count;
  }

  /** Combination `rank` (from 0) in declaration order, as listing them all would give it. */
  point(rank: number): ParameterValues {
    const chosen: ParameterValues = {};
    const open = Uint8Array.from(this.open);
    let rest = rank;
    this.parameters.forEach((parameter, at) => {
      if (!this.open[at]) {
        this.decide(parameter, null);
        return;
      }
      if (parameter.groups === null) {
        const after = this.count(at + 1);
        const index = Math.floor(rest / after);
        rest -= index * after;
        chosen[parameter.name] = valueAt(parameter.distribution, index);
        return;
      }
      const { groupOf, passes } = parameter.groups;
      const counts = passes.map((pass) => this.following(parameter, at, pass));
      let index = 0;
      while (rest >= counts[groupOf[index]]) rest -= counts[groupOf[index++]];
      chosen[parameter.name] = valueAt(parameter.distribution, index);
      this.decide(parameter, passes[groupOf[index]]);
    });
    this.open.set(open);
    return chosen;
  }
}

/** One counter per space: a submission asks for the size twice (its issues, then its capacity). */
const counters = new WeakMap<SearchSpace, GridCounter>();

/** The space's counter, made within `maxVisits` steps (a submission's bound) unless made already. */
function gridCounter(space: SearchSpace, maxVisits = Infinity): GridCounter {
  let counter = counters.get(space);
  if (counter === undefined) {
    counter = new GridCounter(space, maxGridSize, maxVisits);
    counters.set(space, counter);
  }
  return counter;
}

/** How many steps counting the grid took (at most `maxCountingVisits` when its submission counted it first). */
export function gridCountingSteps(space: SearchSpace): number {
  return gridCounter(space).steps;
}

/** The conditional parameters, for a grid too intricate to count. */
function conditionalNames(space: SearchSpace): string {
  const names = space.filter((parameter) => parameter.when !== null).map((parameter) => parameter.name);
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function spaceIssues(space: SearchSpace): SpaceIssue[] {
  const issues = space
    .filter((parameter) => valueCount(parameter.distribution) === null)
    .map((parameter) => ({ parameter: parameter.name, message: 'The grid sampler needs `values`, a `step`, or an int range.' }));
  if (issues.length > 0) return issues;
  let size: number;
  try {
    size = gridCounter(space, maxCountingVisits).size;
  } catch (error) {
    if (!(error instanceof TooIntricate)) throw error;
    return [{ parameter: '', message: `The grid's conditions are too intricate to count its combinations: the \`when\`s of ${conditionalNames(space)} depend on too many earlier choices at once.` }];
  }
  if (size > maxGridSize) return [{ parameter: '', message: `The grid has more than ${maxGridSize} combinations.` }];
  return [];
}

export const gridSampler: SamplerDefinition<typeof gridOptions> = {
  type: 'grid',
  description: 'Grid search: every combination of the values exactly once, in an order shuffled by the seed.',
  options: gridOptions,
  spaceIssues,
  work: (space) => space.length,
  create: (space, _options, seed) => {
    const counter = gridCounter(space);
    const capacity = counter.size;
    // The order is shuffled at the first suggestion: a submission asks only for the capacity.
    let order: Int32Array | null = null;
    const shuffled = (): Int32Array => {
      if (order !== null) return order;
      order = Int32Array.from({ length: capacity }, (_, index) => index);
      new Random(seed).shuffle(order);
      return order;
    };
    return {
      capacity,
      suggest: ({ trialNumber }) => {
        if (trialNumber >= capacity) throw new RangeError(`Trial ${trialNumber} is beyond the grid of ${capacity}.`);
        return counter.point(shuffled()[trialNumber]);
      },
    };
  },
};
