/**
 * A trial's spec: the sweep's base spec with each parameter's value written at its dotted path.
 * Objects on the way are created when missing; a number segment indexes an array. The base is
 * not modified.
 */
import type { ParameterValues } from './search-space.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function applyParameters<Spec>(base: Spec, parameters: Readonly<ParameterValues>): Spec {
  const spec = structuredClone(base) as unknown as { [key: string]: Json };
  for (const [path, value] of Object.entries(parameters)) {
    const keys = path.split('.');
    let node: { [key: string]: Json } | Json[] = spec;
    keys.forEach((key, index) => {
      const container = node as Record<string, Json>;
      if (index === keys.length - 1) {
        container[key] = value;
        return;
      }
      const next = container[key];
      if (next === null || typeof next !== 'object') container[key] = /^\d+$/.test(keys[index + 1]) ? [] : {};
      node = container[key] as { [key: string]: Json } | Json[];
    });
  }
  return spec as unknown as Spec;
}
