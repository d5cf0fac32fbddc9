/**
 * A trial's spec: the sweep's base spec with each parameter's value written at its dotted path.
 * Objects on the way are created when missing; a number segment indexes an array. The base is
 * not modified: the objects and arrays on each path are copied (shallowly), and everything off
 * the paths is the base's own, shared, not cloned (cloning the whole base for every trial cost
 * about as much as validating the trial's spec). A trial's spec is only read (validated,
 * stored), never changed.
 */
import type { ParameterValues } from './search-space.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `node` (a copy of it, or a new container when it is none) with `value` at `keys` from `index` on. */
function withValue(node: Json | undefined, keys: readonly string[], index: number, value: Json): Json {
  const key = keys[index];
  const container = (node !== null && typeof node === 'object'
    ? Array.isArray(node) ? [...node] : { ...node }
    : /^\d+$/.test(key) ? [] : {}) as Record<string, Json>;
  container[key] = index === keys.length - 1 ? value : withValue(container[key], keys, index + 1, value);
  return container;
}

export function applyParameters<Spec>(base: Spec, parameters: Readonly<ParameterValues>): Spec {
  let spec = base as unknown as Json;
  for (const [path, value] of Object.entries(parameters)) spec = withValue(spec, path.split('.'), 0, value);
  return spec as unknown as Spec;
}

/**
 * Parameters whose number segment indexes past the end of its array (the base's, with the
 * parameters before it written): writing there would leave as many holes in every trial's spec
 * as the index says (`objective.initial.99999999` makes a hundred million), each one a field that
 * does not validate, too many to check or store. A parameter sets an entry or appends one.
 */
export function indexesPastTheEnd(base: unknown, paths: readonly string[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  let spec = base as Json;
  for (const path of paths) {
    const keys = path.split('.');
    const problem = pastTheEnd(spec, keys);
    if (problem === null) spec = withValue(spec, keys, 0, 0);
    else problems.push({ path, message: problem });
  }
  return problems;
}

function pastTheEnd(spec: Json, keys: readonly string[]): string | null {
  let node: Json | undefined = spec;
  for (const [index, key] of keys.entries()) {
    const isObject: boolean = node !== null && typeof node === 'object';
    // An object takes a number key as a name; anything else becomes (or is) an array.
    const length = Array.isArray(node) ? node.length : isObject ? Infinity : 0;
    if (/^\d+$/.test(key) && Number(key) > length) {
      return `Index ${key} is past the end of base.${keys.slice(0, index).join('.')} (${length} entries with the parameters before it): a parameter sets an entry or appends one.`;
    }
    node = isObject ? (node as Record<string, Json>)[key] : undefined;
  }
  return null;
}
