/** Opaque list cursors: base64url of the last item's (createdAt, id). */
import { z } from 'zod';
import type { RunCursor } from '../../db/runs.ts';
import { AppError } from '../errors/app-error.ts';

// Year 0000 is a valid ISO time, but it reaches PostgreSQL as a year it has not (1 BC is followed by AD 1).
const cursorSchema = z.tuple([z.iso.datetime().refine((time) => !time.startsWith('0000')), z.uuid()]);

export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): RunCursor {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { createdAt: new Date(createdAt), id };
  } catch {
    throw new AppError(400, 'invalid_cursor', 'Invalid cursor', {
      detail: 'The cursor is not one this API returned; start again without it.',
      errors: [{ path: 'cursor', message: 'Not a cursor returned by this API.', code: 'invalid_cursor' }],
    });
  }
}
