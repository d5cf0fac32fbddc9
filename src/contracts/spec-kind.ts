/**
 * Which kind of spec a body is by its top-level fields: a sweep spec has `base` and `parameters`,
 * a run spec `objective` and `optimizer` (and no `base`). A run spec sent where a sweep goes, or
 * a sweep spec where a run goes, fails validation with one "Unknown field" per field and the
 * fields it lacks; naming the mix-up says what to do instead.
 */
export type SpecKind = 'run' | 'sweep';

function specKindOf(body: unknown): SpecKind | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const has = (field: string) => Object.hasOwn(body, field);
  if (has('base') && has('parameters') && !has('objective')) return 'sweep';
  if (has('objective') && has('optimizer') && !has('base') && !has('parameters')) return 'run';
  return null;
}

/** What a spec of the other kind than `expected` has, said as the start of a sentence; null when it is no such spec. */
export function otherSpecKind(body: unknown, expected: SpecKind): string | null {
  const kind = specKindOf(body);
  if (kind === null || kind === expected) return null;
  return kind === 'sweep'
    ? 'This is a sweep spec (it has `base` and `parameters`), not a run spec'
    : 'This is a run spec (it has `objective` and `optimizer`), not a sweep spec';
}
