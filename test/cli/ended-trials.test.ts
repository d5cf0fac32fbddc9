import { describe, expect, it } from 'vitest';
import { EndedTrials } from '../../src/cli/remote/ended-trials.ts';

describe('EndedTrials', () => {
  it('counts a trial whose end is told twice once', () => {
    const ended = new EndedTrials(2);
    expect(ended.add('a')).toEqual({ fraction: 0.5, detail: 'trial 1/2' });
    expect(ended.add('a')).toEqual({ fraction: 0.5, detail: 'trial 1/2' });
    expect(ended.add('b')).toEqual({ fraction: 1, detail: 'trial 2/2' });
    expect(ended.add('b')).toEqual({ fraction: 1, detail: 'trial 2/2' });
  });
});
