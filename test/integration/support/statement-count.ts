/**
 * Counts the statements sent through a node-postgres pool, to see concurrent calls share them:
 * `pool.query` checks a connection out once per statement, and the pool says so ('acquire').
 */
import type { Pool } from '../../../src/db/pool.ts';

export function countStatements(pool: Pool): { readonly count: number } {
  const counter = { count: 0 };
  pool.on('acquire', () => {
    counter.count += 1;
  });
  return counter;
}
