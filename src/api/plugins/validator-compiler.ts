/**
 * Request validation with zod that hands fastify the ZodError itself (fastify tags it with
 * `validationContext` and passes it to the error handler), so field paths keep their numeric
 * indices and the error handler can use `toFieldIssues` as the CLI does. A string of the body
 * or the query string that PostgreSQL cannot store (src/core/unstorable-text.ts) is one more
 * bad field, named with the others.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { unstorableTexts, type UnstorableText } from '../../core/unstorable-text.ts';
import { unstorableTextsOfBody } from './json-body.ts';

function unstorableIn(httpPart: string | undefined, data: unknown): readonly UnstorableText[] {
  if (httpPart === 'body') return unstorableTextsOfBody(data);
  // A query string is a few short values, decoded from the URL (where `%00` is U+0000): always read.
  if (httpPart === 'querystring') return unstorableTexts(data);
  return [];
}

/** A validation's outcome with the strings that cannot be stored counted as bad fields too. */
export function withUnstorableTexts<T>(result: z.ZodSafeParseResult<T>, unstorable: readonly UnstorableText[]): { value: T } | { error: z.ZodError } {
  if (unstorable.length === 0) return result.success ? { value: result.data } : { error: result.error };
  const issues: z.core.$ZodIssue[] = unstorable.map(({ path, message }) => ({ code: 'custom', path, message, input: undefined }));
  // ZodRealError, as safeParse gives: an Error, which fastify needs (a z.ZodError is not one).
  return { error: new z.ZodRealError([...(result.success ? [] : result.error.issues), ...issues]) };
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => (data) =>
  withUnstorableTexts(schema.safeParse(data), unstorableIn(httpPart, data));
