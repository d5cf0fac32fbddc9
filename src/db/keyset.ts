/**
 * Keyset pagination over (createdAt, id), newest first: the rows strictly after the cursor in
 * that order. Stable while rows are added, and served by a (tenant_id, created_at, id) index.
 */
import type { RunCursor } from './runs.ts';

export function newestFirstAfter(after: RunCursor | undefined) {
  return after === undefined
    ? {}
    : { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] };
}

export const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
