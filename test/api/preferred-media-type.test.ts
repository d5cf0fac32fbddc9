import { describe, expect, it } from 'vitest';
import { preferredMediaType } from '../../src/api/routes/preferred-media-type.ts';

const metrics = ['application/json', 'text/csv', 'application/jsonl', 'application/x-ndjson'] as const;

describe('preferredMediaType', () => {
  it.each([
    ['text/csv, application/json', 'text/csv'],
    ['application/json, text/csv', 'application/json'],
    ['application/jsonl, text/csv', 'application/jsonl'],
    ['application/x-ndjson, application/json', 'application/x-ndjson'],
    ['*/*, text/csv', 'text/csv'],
    ['text/csv;q=0.5, application/json', 'application/json'],
    ['*/*', 'application/json'],
  ])('ties of quality and specificity go to the range named first: %s → %s', (accept, type) => {
    expect(preferredMediaType(accept, metrics)).toBe(type);
  });

  it('takes the highest quality among ranges that name a type alike', () => {
    expect(preferredMediaType('text/csv;q=0, text/csv', metrics)).toBe('text/csv');
  });
});

describe('preferredMediaType reading q', () => {
  it.each(['1.5', 'abc', '0.0001', '2', '-1', '1.001', '.5', ''])('takes q=%s, not a qvalue, as not acceptable', (q) => {
    expect(preferredMediaType(`text/csv;q=${q}, application/json;q=0.1`, metrics)).toBe('application/json');
    expect(preferredMediaType(`application/json;q=0.2, text/csv;q=${q}`, ['text/csv', 'application/json'])).toBe('application/json');
  });

  it.each([['1'], ['1.'], ['1.000'], ['0.5'], ['0.001'], ['Q=0.7']])('reads %s as a quality', (q) => {
    const weight = q.startsWith('Q=') ? q : `q=${q}`;
    expect(preferredMediaType(`text/csv;${weight}, application/json;q=0.0`, metrics)).toBe('text/csv');
  });
});
