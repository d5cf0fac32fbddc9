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
