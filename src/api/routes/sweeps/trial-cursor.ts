/**
 * Cursors of a sweep's trial list (GET /v1/sweeps/{id}/trials), opaque to clients: base64url of
 * JSON naming the order they continue and the last trial the page showed, so that the next page
 * starts after it (a keyset, as the runs list's cursors are) rather than at an offset into a
 * ranking that changes as trials end.
 *   ["trial", trialNumber]                         order=trial: trial numbers above it
 *   ["rank", shown, class, depth, value, trialNumber]  order=rank: ranking keys after it;
 *                                                       `shown`, the trials the walk showed before
 *                                                       (the CSV's rank column goes on from it)
 * A rank key's value may be NaN or ±Infinity, which JSON cannot hold: it is written as text.
 */
import { z } from 'zod';
import type { LeaderboardKey } from '../../../db/sweeps.ts';
import { AppError } from '../../errors/app-error.ts';

export type TrialOrder = 'rank' | 'trial';

export type TrialCursor =
  | { readonly order: 'trial'; readonly trialNumber: number }
  | { readonly order: 'rank'; readonly shown: number; readonly key: LeaderboardKey };

const trialNumber = z.number().int().min(0).max(2 ** 31 - 1);
const keyValue = z.string().refine((text) => text === 'NaN' || !Number.isNaN(Number(text)) && text.trim() !== '');

const cursorSchema = z.union([
  z.tuple([z.literal('trial'), trialNumber]),
  z.tuple([z.literal('rank'), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.number().int().min(0).max(3), z.number().min(-1e300).max(0), keyValue, trialNumber]),
]);

export function encodeTrialCursor(cursor: TrialCursor): string {
  const json = cursor.order === 'trial'
    ? ['trial', cursor.trialNumber]
    : ['rank', cursor.shown, cursor.key.rankClass, cursor.key.depth, String(cursor.key.value), cursor.key.trialNumber];
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

const invalid = (detail: string) =>
  new AppError(400, 'invalid_cursor', 'Invalid cursor', {
    detail,
    errors: [{ path: 'cursor', message: 'Not a cursor returned by this API.', code: 'invalid_cursor' }],
  });

/** The cursor, which must continue `order`: a cursor of one order given with the other is refused. */
export function decodeTrialCursor(text: string, order: TrialOrder): TrialCursor {
  let parsed: z.output<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw invalid('The cursor is not one this API returned; start again without it.');
  }
  if (parsed[0] !== order) throw invalid(`The cursor continues order=${parsed[0]}, not order=${order}; pass the order it was returned with, or start again without it.`);
  if (parsed[0] === 'trial') return { order: 'trial', trialNumber: parsed[1] };
  const [, shown, rankClass, depth, value, number] = parsed;
  return { order: 'rank', shown, key: { rankClass, depth, value: Number(value), trialNumber: number } };
}
