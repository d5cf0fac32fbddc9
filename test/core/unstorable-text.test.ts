/**
 * Finding the strings PostgreSQL cannot store in a parsed body: which JSON texts are walked at
 * all, and a walk bounded in what it reports, so that a body of many bad strings deep down costs
 * time linear in its size and an answer of ten fields.
 */
import { describe, expect, it } from 'vitest';
import { mayHoldUnstorableText, unstorableTexts } from '../../src/core/unstorable-text.ts';

/** `leaf` under `depth` levels of `{"a": …}`. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('unstorable text', () => {
  it.each([
    ['{"name": "\\u0000"}', true],
    ['{"name": "\\ud800"}', true],
    ['{"name": "\\uDFFF"}', true],
    ['{"name": "caf\\u00e9 \\u4e2d"}', false],
    ['{"name": "plain"}', false],
  ])('walks %s only when it may hold such text: %s', (json, walked) => {
    expect(mayHoldUnstorableText(json)).toBe(walked);
  });

  it('reports the first ten bad strings in document order, with their whole paths, however many and deep', () => {
    const depth = 20_000;
    const found = unstorableTexts(nested(depth, Array.from({ length: 1_000 }, () => 'x\u0000')));
    expect(found).toHaveLength(10);
    expect(found.map(({ path }) => path.at(-1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(found[0]!.path).toHaveLength(depth + 1);
    expect(found[0]!.path.slice(0, 2)).toEqual(['a', 'a']);
  });

  it('reports at most ten bad keys of one object', () => {
    const keys = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}\u0000`, 1]));
    const found = unstorableTexts({ keys });
    expect(found).toHaveLength(10);
    expect(found[0]).toEqual({ path: ['keys', 'k0\u0000'], message: 'The key contains U+0000 (NUL), which cannot be stored.' });
  });
});
