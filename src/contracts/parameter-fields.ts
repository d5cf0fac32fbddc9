/**
 * What a sweep's parameter can write into its trials' specs, checked before any trial is made:
 * its dotted path must name a field some trial's spec can have, and each value it can take (each
 * listed value, a range's ends or, for a float range without a step, the numbers next to them,
 * and for a float range a value inside it) must be one that field takes. Else every trial that the parameter is active in fails to validate, and a sweep of a
 * hundred trials ends having run none of them.
 *
 * The run spec's schema is walked along the path over every form it takes (each objective type,
 * each optimizer), keeping only the forms the base leaves possible: a trial's spec is the base
 * with values written into it, never with a field taken away, so a form the base has a field of
 * that it does not take (a stored objective's `{id}` beside an expression's fields), or whose
 * choosing field (`optimizer.name`, `objective.type`) the base sets to another value that no
 * parameter changes, is no trial's. Checks between fields (a range's low below its high, what an
 * optimizer needs of `parallel`) are left to each trial's validation: they depend on the other
 * parameters' values, and a trial they refuse is a failed trial with the reason.
 */
import type { z } from 'zod';
import type { ParameterDefinition, ParameterValue } from '../core/sweep/search-space.ts';
import { runSpecSchema } from './run-spec.ts';

interface SchemaDefinition {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly items?: readonly z.ZodType[];
}

const definitionOf = (schema: z.ZodType): SchemaDefinition => (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;

/** Wrappers that parse what their inner schema does (and `undefined`, which no parameter writes). */
const wrappers = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch']);

/** The schema under its wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const definition = definitionOf(current);
    if (wrappers.has(definition.type)) current = definition.innerType!;
    else if (definition.type === 'pipe') current = definition.in!;
    else if (definition.type === 'lazy') current = definition.getter!();
    else return current;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where a walk along a path ended without a field: the fields it had reached, and the segment they had not. */
interface DeadEnd {
  readonly at: number;
  readonly message: string;
}

interface Walk {
  readonly segments: readonly string[];
  /** Whether a parameter writes the field at this dotted path (then the base's value there may change). */
  readonly written: (path: string) => boolean;
  /** Whether to keep the forms that lack a field the base gives, naming those fields (`lacking`). */
  readonly lenient: boolean;
  readonly schemas: { schema: z.ZodType; lacking: readonly string[] }[];
  deadEnd: DeadEnd | null;
}

const fieldName = (segments: readonly string[], at: number): string => (at === 0 ? 'a run spec' : segments.slice(0, at).join('.'));

function deadEnd(walk: Walk, at: number, message: string): void {
  if (walk.deadEnd === null || at > walk.deadEnd.at) walk.deadEnd = { at, message };
}

/**
 * Whether a form of a union can be a trial's, given the base's value at it (`node`, undefined
 * without one): a strict object's form takes every field the base gives, and its choosing fields
 * (a literal or enum) the base's values, unless a parameter writes them. Null when it cannot; else
 * the base's fields it lacks (none, unless the walk is lenient).
 */
function possibleForm(option: z.ZodType, node: Json | undefined, prefix: readonly string[], walk: Walk): string[] | null {
  if (!isRecord(node)) return [];
  const definition = definitionOf(unwrapped(option));
  if (definition.type !== 'object') return [];
  const shape = definition.shape!;
  const strict = definition.catchall !== undefined && definitionOf(definition.catchall).type === 'never';
  const lacking: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    const field = shape[key];
    if (field === undefined) {
      if (strict) lacking.push([...prefix, key].join('.'));
      continue;
    }
    const kind = definitionOf(unwrapped(field)).type;
    if ((kind === 'literal' || kind === 'enum') && !walk.written([...prefix, key].join('.')) && !field.safeParse(value).success) return null;
  }
  return lacking.length === 0 || walk.lenient ? lacking : null;
}

/** Collects into `walk.schemas` the schemas the field at `walk.segments` has, from `schema` at segment `at`, the base's value there being `node`. */
function follow(schema: z.ZodType, node: Json | undefined, at: number, walk: Walk, lacking: readonly string[] = []): void {
  if (at === walk.segments.length) {
    walk.schemas.push({ schema, lacking });
    return;
  }
  const current = unwrapped(schema);
  const definition = definitionOf(current);
  const segment = walk.segments[at]!;
  const prefix = walk.segments.slice(0, at);
  switch (definition.type) {
    case 'union': {
      const possible = definition.options!.map((option) => ({ option, lacks: possibleForm(option, node, prefix, walk) })).filter(({ lacks }) => lacks !== null);
      if (possible.length === 0) deadEnd(walk, at, `base.${fieldName(walk.segments, at)} is of no form that a trial's spec can have`);
      for (const { option, lacks } of possible) follow(option, node, at, walk, [...lacking, ...lacks!]);
      return;
    }
    case 'object': {
      const field = definition.shape![segment] ?? (definition.catchall && definitionOf(definition.catchall).type !== 'never' ? definition.catchall : undefined);
      if (field === undefined) {
        deadEnd(walk, at, `${fieldName(walk.segments, at)} has no field \`${segment}\` (its fields: ${Object.keys(definition.shape!).join(', ')})`);
        return;
      }
      follow(field, isRecord(node) ? node[segment] : undefined, at + 1, walk, lacking);
      return;
    }
    case 'record':
      follow(definition.valueType!, isRecord(node) ? node[segment] : undefined, at + 1, walk, lacking);
      return;
    case 'array':
    case 'tuple': {
      if (!/^\d+$/.test(segment)) {
        deadEnd(walk, at, `${fieldName(walk.segments, at)} is a list: \`${segment}\` is no index of it`);
        return;
      }
      const item = definition.type === 'array' ? definition.element : definition.items![Number(segment)];
      if (item === undefined) {
        deadEnd(walk, at, `${fieldName(walk.segments, at)} has ${definition.items!.length} entries: ${segment} is past its end`);
        return;
      }
      follow(item, Array.isArray(node) ? node[Number(segment)] : undefined, at + 1, walk, lacking);
      return;
    }
    default:
      deadEnd(walk, at, `${fieldName(walk.segments, at)} is a ${definition.type}, with no fields`);
  }
}

/** The schemas the field at `path` has in a trial's spec (none: no trial's spec has it), and why there is none. */
function fieldSchemas(base: unknown, path: string, written: (path: string) => boolean, lenient = false): { schemas: Walk['schemas']; deadEnd: DeadEnd | null } {
  const walk: Walk = { segments: path.split('.'), written, lenient, schemas: [], deadEnd: null };
  follow(runSpecSchema, (isRecord(base) ? base : undefined) as Json | undefined, 0, walk);
  return walk;
}

export interface ParameterFieldIssue {
  /** Within the parameter's definition: [] for the parameter, ['values', 2], ['low'], ['type']. */
  readonly path: (string | number)[];
  readonly message: string;
}

/** The next number above `value` (`direction` 1) or below it (-1). */
function nextNumber(value: number, direction: 1 | -1): number {
  if (value === 0) return direction * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const away = (value > 0) === (direction > 0);
  view.setBigInt64(0, view.getBigInt64(0) + (away ? 1n : -1n));
  return view.getFloat64(0);
}

type CheckedValue = { value: ParameterValue; path: (string | number)[]; drawn?: 'inside' | 'above low' | 'below high' };

/**
 * The values a parameter's definition gives to check, each with where it is given. A float range
 * without a step is drawn as low + u·(high − low) (on the logs when `log`), u in [0, 1): its high is
 * never drawn, and its low only as the first point of an unscrambled quasi-Monte Carlo sequence
 * (`lowDrawn`), so the numbers next to its ends are checked instead (a learning rate from 0 to
 * 0.1 draws none that is 0). The grid takes no such range.
 */
function checkedValues(definition: ParameterDefinition, lowDrawn: boolean): CheckedValue[] {
  if (definition.values !== undefined) return definition.values.map((value, index) => ({ value, path: ['values', index] }));
  if (definition.type === 'categorical' || definition.low === undefined || definition.high === undefined || !(definition.low < definition.high)) return [];
  const { low, high } = definition;
  const ends: CheckedValue[] = [{ value: low, path: ['low'] }, { value: high, path: ['high'] }];
  if (definition.type === 'int') return ends;
  const open: CheckedValue[] = definition.step !== undefined
    ? ends
    : [lowDrawn ? ends[0]! : { value: nextNumber(low, 1), path: ['low'], drawn: 'above low' }, { value: nextNumber(high, -1), path: ['high'], drawn: 'below high' }];
  // A float range draws fractions: one inside it, where the field takes whole numbers, is refused
  // (checked first). Off the middle, which a range of whole numbers of even width would hit.
  const inside = definition.step !== undefined ? low + definition.step : definition.log ? low * (high / low) ** offMiddle : low + (high - low) * offMiddle;
  return inside < high && !Number.isInteger(inside) ? [{ value: inside, path: ['type'], drawn: 'inside' }, ...open] : open;
}

const offMiddle = (3 - Math.sqrt(5)) / 2;

/**
 * Why none of the field's schemas takes `value`: the first one's reason, or, where each schema
 * takes one choice (the forms of `optimizer.name`, `objective.type`, each a literal), every choice:
 * the first form's literal alone would read as the only one.
 */
function refusal(schemas: readonly z.ZodType[], value: ParameterValue): string {
  const issues = schemas.map((schema) => schema.safeParse(value).error?.issues[0]);
  const choices = new Set(issues.flatMap((issue) => (issue?.code === 'invalid_value' ? issue.values : [])));
  if (choices.size > 1 && issues.every((issue) => issue?.code === 'invalid_value')) {
    return `Invalid option: expected one of ${[...choices].map((choice) => JSON.stringify(choice)).join('|')}`;
  }
  return issues[0]?.message ?? 'not a value it takes';
}

const describe = (value: ParameterValue): string => (typeof value === 'string' ? `'${value}'` : String(value));

/** The issues reported at most: as many as a problem lists (a refused value costs a failed parse, 64,000 of them a second). */
const reportedAtMost = 100;

/**
 * Why each of the sweep's parameters names no field a trial's spec of `base` can have, or values
 * that field never takes, each at its place in the parameter's definition.
 */
export function parameterFieldIssues(
  base: unknown,
  parameters: Readonly<Record<string, ParameterDefinition>>,
  options: { lowDrawn?: boolean } = {},
): { parameter: string; issue: ParameterFieldIssue }[] {
  const paths = Object.keys(parameters);
  const written = (path: string) => paths.includes(path);
  // Each parameter that names no field first, then the values, so that many bad values hide no path.
  const issues: { parameter: string; issue: ParameterFieldIssue }[] = [];
  const fields: { parameter: string; definition: ParameterDefinition; schemas: z.ZodType[] }[] = [];
  for (const [parameter, definition] of Object.entries(parameters)) {
    const { schemas, deadEnd: end } = fieldSchemas(base, parameter, written);
    if (schemas.length > 0) {
      fields.push({ parameter, definition, schemas: schemas.map(({ schema }) => schema) });
      continue;
    }
    const anyBase = fieldSchemas(undefined, parameter, written).schemas.length > 0;
    const message = anyBase
      ? `No trial's spec of this base has this field: ${end?.message ?? 'no form has it'}. Another form has it: choose that form in the base, or search the field that chooses it too (optimizer.name, objective.type).`
      : `Names no field of a run spec: ${end?.message ?? 'no form has it'}.`;
    issues.push({ parameter, issue: { path: [], message } });
  }
  for (const { parameter, definition, schemas } of fields) {
    let fractions = false;
    for (const { value, path, drawn } of checkedValues(definition, options.lowDrawn ?? false)) {
      if (issues.length >= reportedAtMost) return issues;
      // A field that takes no fraction is named so once, not again next to each end.
      if (fractions && (drawn === 'above low' || drawn === 'below high')) continue;
      const takes = (candidate: ParameterValue) => schemas.some((schema) => schema.safeParse(candidate).success);
      if (takes(value)) continue;
      // A fraction refused where its whole number is taken; else the ends say what the field does not take.
      if (drawn === 'inside') {
        if (!takes(Math.round(value as number))) continue;
        fractions = true;
      }
      // A form that takes the value but lacks a field the base gives: that field is why.
      const lacking = drawn === undefined ? fieldSchemas(base, parameter, written, true).schemas.find(({ schema, lacking: fields }) => fields.length > 0 && schema.safeParse(value).success)?.lacking : undefined;
      const reason = lacking !== undefined
        ? `its form has no field ${lacking.map((field) => `base.${field}`).join(', ')}, which the base gives`
        : refusal(schemas, value);
      const message = drawn === 'inside'
        ? `A float range draws values such as ${describe(value)}, which ${parameter} does not take (${reason}): use type int, or a step of a whole number.`
        : drawn !== undefined
          ? `A float range draws values just ${drawn}, such as ${describe(value)}, which ${parameter} does not take (${reason}).`
          : `${parameter} cannot be ${describe(value)}: ${reason}.`;
      issues.push({ parameter, issue: { path, message } });
    }
  }
  return issues;
}
