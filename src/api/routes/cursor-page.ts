/**
 * One page of a newest-first listing with keyset cursors: asks the repository for one item
 * more than the page holds, so that the presence of a next page needs no count query.
 */
import type { RunCursor } from '../../db/runs.ts';
import { decodeCursor, encodeCursor } from './runs/cursor.ts';

export interface PageQuery {
  readonly limit: number;
  readonly cursor?: string;
}

export async function cursorPage<Item extends RunCursor>(
  fetch: (query: { limit: number; after?: RunCursor }) => Promise<Item[]>,
  query: PageQuery,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const page = await fetch({ limit: query.limit + 1, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) });
  const items = page.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: page.length > query.limit && last ? encodeCursor(last) : null };
}
