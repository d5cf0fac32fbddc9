/** A statement that waited for a lock beyond its lock_timeout, told apart from an outage and from other errors, wherever it sits in the cause chain. */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isLockTimeout } from '../../src/db/database-unavailable.ts';

const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });

describe('a lock timeout', () => {
  it('is found as node-postgres reports it, under a cause, and as Prisma\'s adapter reports it; it is no outage', () => {
    const wrapped = new Error('the round failed', { cause: lockTimeout });
    const prisma = Object.assign(new Error('lock'), { meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '55P03' } } } });
    for (const error of [lockTimeout, wrapped, prisma]) {
      expect(isLockTimeout(error)).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });

  it('is not any other error', () => {
    expect(isLockTimeout(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(false);
    expect(isLockTimeout(new Error('boom'))).toBe(false);
    expect(isLockTimeout(null)).toBe(false);
  });
});
