/**
 * A sweep's search space: parameters keyed by dotted paths into the run spec
 * (`optimizer.learningRate`), each a `float` or `int` range (linear or log, optional `step`), a
 * `categorical` list, or any type with explicit `values`; `when` makes a parameter conditional on
 * the values of parameters listed before it. Parsed into `Distribution`s, the samplers' view.
 */
import { z } from 'zod';

/** What a parameter's value can be: what a run spec field can hold. */
export type ParameterValue = number | string | boolean;
/** A trial's parameters, keyed by dotted path. */
export type ParameterValues = Record<string, ParameterValue>;

const searchSpaceLimits = {
  parameters: 64,
  valuesPerParameter: 1000,
  pathLength: 200,
  stringLength: 200,
} as const;

const parameterValueSchema = z.union([z.number(), z.string().max(searchSpaceLimits.stringLength), z.boolean()]);

const whenSchema = z
  .record(z.string().max(searchSpaceLimits.pathLength), z.array(parameterValueSchema).min(1).max(searchSpaceLimits.valuesPerParameter))
  .describe('Active only when every listed parameter (declared before this one) takes one of the listed values.');

const rangeFields = {
  low: z.number().optional().describe('Lower bound (inclusive).'),
  high: z.number().optional().describe('Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it).'),
  log: z.boolean().default(false).describe('Sample uniformly in log space (needs low > 0; no `step`).'),
  when: whenSchema.optional(),
};

const floatParameterSchema = z.strictObject({
  type: z.literal('float'),
  ...rangeFields,
  step: z.number().positive().optional().describe('Only multiples of `step` above `low`.'),
  values: z.array(z.number()).min(1).max(searchSpaceLimits.valuesPerParameter).optional().describe('An explicit list instead of a range.'),
});

const intParameterSchema = z.strictObject({
  type: z.literal('int'),
  ...rangeFields,
  low: z.number().int().optional().describe('Lower bound (inclusive).'),
  high: z.number().int().optional().describe('Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it).'),
  step: z.number().int().positive().optional().describe('Only every `step`-th integer from `low` (default 1).'),
  values: z.array(z.number().int()).min(1).max(searchSpaceLimits.valuesPerParameter).optional().describe('An explicit list instead of a range.'),
});

const categoricalParameterSchema = z.strictObject({
  type: z.literal('categorical'),
  values: z.array(parameterValueSchema).min(1).max(searchSpaceLimits.valuesPerParameter).describe('The choices: numbers, strings or booleans.'),
  when: whenSchema.optional(),
});

/** Each value once: a grid would run a repeated one twice, and the samplers know a choice by its first place. */
function checkDistinct(values: readonly ParameterValue[] | undefined, context: z.RefinementCtx): void {
  const first = new Map<ParameterValue, number>();
  values?.forEach((value, index) => {
    const at = first.get(value);
    if (at === undefined) first.set(value, index);
    else context.addIssue({ code: 'custom', path: ['values', index], message: `Listed twice: values[${at}] is ${String(value)} too.` });
  });
}

type RangeDefinition = { type: 'float' | 'int'; low?: number; high?: number; log: boolean; step?: number; values?: number[] };

function checkRange(definition: RangeDefinition, context: z.RefinementCtx): void {
  const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
  checkDistinct(definition.values, context);
  if (definition.values !== undefined) {
    for (const key of ['low', 'high', 'step'] as const) {
      if (definition[key] !== undefined) issue(key, `Give either \`values\` or a range, not both.`);
    }
    if (definition.log) issue('log', 'Give either `values` or a range, not both.');
    return;
  }
  if (definition.low === undefined) issue('low', 'Required unless `values` is given.');
  if (definition.high === undefined) issue('high', 'Required unless `values` is given.');
  if (definition.low === undefined || definition.high === undefined) return;
  // A range of one value (float or int alike) is refused: one value is a list of one, `values: [x]`.
  if (definition.low === definition.high) {
    issue('high', `Must be greater than low (${definition.low}): a range searches more than one value; give one value as \`values: [${definition.low}]\`.`);
  } else if (!(definition.low < definition.high)) {
    issue('high', `Must be greater than low (${definition.low}).`);
  }
  if (definition.log && definition.low <= 0) issue('low', 'Must be positive on a log scale.');
  // A sampler draws low + u·(high − low) and counts steps: beyond a double, every trial would draw Infinity.
  if (!definition.log && !Number.isFinite(definition.high - definition.low)) {
    issue('high', 'The range is wider than a double holds: high − low overflows.');
  } else if (definition.step !== undefined && !Number.isFinite((definition.high - definition.low) / definition.step)) {
    issue('step', 'Too small for the range: (high − low) / step overflows.');
  }
  if (definition.log && definition.step !== undefined && !(definition.type === 'int' && definition.step === 1)) {
    issue('step', 'A log-scale parameter takes no step.');
  }
}

const parameterDefinitionSchema = z
  .discriminatedUnion('type', [
    floatParameterSchema.superRefine(checkRange),
    intParameterSchema.superRefine(checkRange),
    categoricalParameterSchema.superRefine((definition, context) => checkDistinct(definition.values, context)),
  ])
  .describe('One searched parameter: `float`, `int` or `categorical`.');

export type ParameterDefinition = z.output<typeof parameterDefinitionSchema>;

/**
 * Whether the parameter can take `value`, as its distribution gives it: one of its values, a
 * number within its range (for `int`, on its steps); a range without bounds (refused on its own): any.
 */
function takes(definition: ParameterDefinition, value: ParameterValue): boolean {
  if (definition.type !== 'categorical' && definition.values === undefined && (definition.low === undefined || definition.high === undefined)) return true;
  const distribution = toDistribution(definition);
  if (distribution.kind === 'categorical') return distribution.choices.includes(value);
  if (typeof value !== 'number' || value < distribution.low || value > distribution.high) return false;
  return distribution.kind === 'float' || (Number.isInteger(value) && (value - distribution.low) % distribution.step === 0);
}

const describeValues = (definition: ParameterDefinition): string =>
  definition.type === 'categorical' || definition.values !== undefined ? definition.values!.join(', ') : `${definition.low} … ${definition.high}`;

const pathPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

export const searchSpaceSchema = z
  .record(
    z.string().max(searchSpaceLimits.pathLength).regex(pathPattern, 'A dotted path into the run spec, e.g. `optimizer.learningRate`.')
      // Written into a trial's spec, a `__proto__` segment would set the object's prototype, not a field.
      .refine((path) => !path.split('.').includes('__proto__'), 'A `__proto__` segment names no field of a run spec.'),
    parameterDefinitionSchema,
  )
  .superRefine((parameters, context) => {
    const names = Object.keys(parameters);
    if (names.length === 0) context.addIssue({ code: 'custom', path: [], message: 'At least one parameter.' });
    if (names.length > searchSpaceLimits.parameters) {
      context.addIssue({ code: 'custom', path: [], message: `At most ${searchSpaceLimits.parameters} parameters.` });
    }
    names.forEach((name, index) => {
      const prefix = names.find((other) => other !== name && name.startsWith(`${other}.`));
      if (prefix) context.addIssue({ code: 'custom', path: [name], message: `Lies inside parameter "${prefix}".` });
      for (const [condition, allowed] of Object.entries(parameters[name].when ?? {})) {
        const at = names.indexOf(condition);
        if (at < 0 || at >= index) {
          context.addIssue({ code: 'custom', path: [name, 'when', condition], message: 'Must name a parameter listed before this one.' });
        } else if (!allowed.some((value) => takes(parameters[condition], value))) {
          context.addIssue({
            code: 'custom',
            path: [name, 'when', condition],
            message: `${condition} takes none of these values (it takes ${describeValues(parameters[condition])}): this parameter would never be active.`,
          });
        }
      }
    });
  })
  .describe('Searched parameters keyed by dotted paths into `base` (in order: `when` refers to earlier ones). A path no trial\'s spec can have, or a value its field never takes, is a 400 naming it.');

/**
 * What a sampler sees of one parameter, in Optuna's terms: a float or int distribution (with
 * `log` and `step`), or a categorical one whose internal value is the choice's index.
 */
export type Distribution =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number | null }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
  | { readonly kind: 'categorical'; readonly choices: readonly ParameterValue[] };

export interface SearchParameter {
  readonly name: string;
  readonly distribution: Distribution;
  readonly when: Readonly<Record<string, readonly ParameterValue[]>> | null;
}

export type SearchSpace = readonly SearchParameter[];

/** A stepped range keeps low and lowers high to the last step at or below it (as Optuna does). */
function steppedHigh(low: number, high: number, step: number): number {
  const count = Math.floor((high - low) / step + 1e-9);
  return low + count * step;
}

function toDistribution(definition: ParameterDefinition): Distribution {
  if (definition.type === 'categorical' || definition.values !== undefined) {
    return { kind: 'categorical', choices: [...definition.values!] };
  }
  const low = definition.low!;
  const high = definition.high!;
  if (definition.type === 'float') {
    const step = definition.step ?? null;
    return { kind: 'float', low, high: step === null ? high : steppedHigh(low, high, step), log: definition.log, step };
  }
  const step = definition.step ?? 1;
  return { kind: 'int', low, high: steppedHigh(low, high, step), log: definition.log, step };
}

/**
 * The parameters in an order where each comes after those its `when` names: the order they are
 * given in when it is one already (a request's or a spec file's, as validated), else the nearest
 * to it, each taken as soon as its conditions are. A sweep stored before its spec was kept as
 * given (migration 20261206140000) comes back from PostgreSQL's jsonb with its keys sorted by
 * length, then bytes, which can put a parameter before the one its condition names
 * (`optimizer.rho` before `optimizer.name`): read in that order, its condition was never met,
 * and the spec no longer validated.
 */
export function conditionsFirst<T extends { readonly when?: Readonly<Record<string, unknown>> | null }>(parameters: Record<string, T>): Record<string, T> {
  const names = new Set(Object.keys(parameters));
  const placed = new Set<string>();
  let rest = Object.entries(parameters);
  const ordered: [string, T][] = [];
  while (rest.length > 0) {
    const ready = (entry: [string, T]) => Object.keys(entry[1].when ?? {}).every((name) => placed.has(name) || !names.has(name));
    // A condition on itself or a cycle (refused at submission) leaves the rest as given.
    const next = rest.findIndex(ready);
    const taken = next < 0 ? rest : [rest[next]!];
    for (const [name, definition] of taken) {
      ordered.push([name, definition]);
      placed.add(name);
    }
    rest = next < 0 ? [] : rest.filter((_, i) => i !== next);
  }
  return Object.fromEntries(ordered);
}

const spaces = new WeakMap<Record<string, ParameterDefinition>, SearchSpace>();

/**
 * The parsed space, each parameter after those its `when` names (see conditionsFirst). The same
 * parameters give the same space, so what a sampler works out about a space once (a grid's
 * size) serves every later use of the spec.
 */
export function toSearchSpace(parameters: Record<string, ParameterDefinition>): SearchSpace {
  let space = spaces.get(parameters);
  if (space === undefined) {
    space = Object.entries(conditionsFirst(parameters)).map(([name, definition]) => ({
      name,
      distribution: toDistribution(definition),
      when: definition.when ?? null,
    }));
    spaces.set(parameters, space);
  }
  return space;
}

/** Whether `parameter` is active given the values chosen so far for the parameters before it. */
export function isActive(parameter: SearchParameter, chosen: Readonly<ParameterValues>): boolean {
  if (parameter.when === null) return true;
  return Object.entries(parameter.when).every(([name, allowed]) => name in chosen && allowed.includes(chosen[name]));
}

/** A value as the samplers compute with it: the number itself, or a choice's index. */
export function toInternal(distribution: Distribution, value: ParameterValue): number {
  if (distribution.kind === 'categorical') return distribution.choices.indexOf(value);
  return value as number;
}

export function toExternal(distribution: Distribution, internal: number): ParameterValue {
  return distribution.kind === 'categorical' ? distribution.choices[internal] : internal;
}
