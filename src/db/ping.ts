import type { Database } from './client.ts';
import { errorMessage } from '../core/error-message.ts';

/** Prisma's multi-line message reduced to its cause, e.g. "Can't reach database server at 127.0.0.1:5432". */
function cause(error: unknown): string {
  const text = errorMessage(error);
  const last = text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? text;
  return /Message: `(.*)`$/.exec(last)?.[1] ?? last;
}

/** Resolves when PostgreSQL answers a trivial query; otherwise rejects with a one-line reason. */
export async function pingDatabase(database: Database): Promise<void> {
  try {
    await database.$queryRaw`SELECT 1`;
  } catch (error) {
    throw new Error(cause(error), { cause: error });
  }
}
