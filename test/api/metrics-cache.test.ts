import { describe, expect, it } from 'vitest';
import { MetricsPageCache } from '../../src/api/routes/runs/metrics-cache.ts';

const page = (body: string) => ({ contentType: 'application/json', body, nextCursor: null });

describe('MetricsPageCache', () => {
  it('evicts the least recently used pages beyond its size', () => {
    const cache = new MetricsPageCache(40);
    cache.set('a', page('x'.repeat(10)));
    cache.set('b', page('y'.repeat(10)));
    cache.set('c', page('z'.repeat(10)));
    expect(cache.get('a')?.body).toBe('x'.repeat(10)); // a is now the most recent
    cache.set('d', page('w'.repeat(10)));
    cache.set('e', page('v'.repeat(10)));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('e')).toBeDefined();
  });

  it('does not keep a page larger than a quarter of its size', () => {
    const cache = new MetricsPageCache(40);
    cache.set('big', page('x'.repeat(11)));
    expect(cache.get('big')).toBeUndefined();
  });
});
