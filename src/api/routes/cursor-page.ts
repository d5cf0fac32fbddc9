/**
 * One page of a newest-first listing with keyset cursors: asks the repository for one item
 * more than the page holds, so that the presence of a next page needs no count query.
 */
import { z } from 'zod';
import type { RunCursor } from '../../db/runs.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { queryInteger } from './query-integer.ts';

/** The `limit` and `cursor` of every newest-first listing's query string. */
export const pageQueryShape = {
  limit: queryInteger('limit', { min: 1, max: 200 }, 50).describe('Items in the page (1 … 200, default 50).'),
  cursor: z.string().min(1).optional().describe('`nextCursor` of the previous page; none for the first page.'),
};

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
