/**
 * A connection to the real Redis one of whose commands goes out late: after a delay (a slower
 * path to Redis for it), or after another client's command (which then lands first).
 */
import type { Redis } from '../../../src/queue/connection.ts';

/** `connection` with its command `name` sent once `before` (given the call's count, from 1) has settled; every other command as it is. */
export function commandAfter(connection: Redis, name: string, before: (call: number) => Promise<unknown> | undefined): Redis {
  let calls = 0;
  return new Proxy(connection, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== name) return (value as (...args: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        await before(++calls);
        return (value as (...args: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}
