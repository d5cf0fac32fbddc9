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
