/**
 * Request validation with zod that hands fastify the ZodError itself (fastify tags it with
 * `validationContext` and passes it to the error handler), so field paths keep their numeric
 * indices and the error handler can use `toFieldIssues` as the CLI does. A string of the body
 * or the query string that PostgreSQL cannot store (src/core/unstorable-text.ts) is one more
 * bad field, named with the others. A query parameter given more than once (`?limit=2&limit=3`,
 * which the query string's parser makes an array) is named as repeated: every query parameter
 * takes one value, and what its schema says of the array ("expected number, received NaN") says
 * nothing of the mistake. The parameters a route ignores (the cache-buster, an event stream's
 * reconnection parameters) are taken out first, as if not sent.
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

/**
 * A query string's validation: a parameter given more than once is one issue, saying so, in place
 * of those its schema finds in the array of its values (an unknown one stays unknown).
 */
function validateQuery(schema: z.ZodType, data: unknown): z.ZodSafeParseResult<unknown> {
  const result = schema.safeParse(data);
  if (result.success || typeof data !== 'object' || data === null) return result;
  const unknown = new Set(result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [])));
  const repeated = Object.entries(data).filter(([key, value]) => Array.isArray(value) && !unknown.has(key)) as [string, unknown[]][];
  if (repeated.length === 0) return result;
  const keys = new Set(repeated.map(([key]) => key));
  const issues: z.core.$ZodIssue[] = [
    ...result.error.issues.filter((issue) => !keys.has(String(issue.path[0]))),
    ...repeated.map(([key, values]): z.core.$ZodIssue => ({
      code: 'custom',
      path: [key],
      message: `Repeated: given ${values.length} times (${values.map((value) => JSON.stringify(value)).join(', ')}); a query parameter takes one value.`,
      input: values,
    })),
  ];
  return { success: false, error: new z.ZodRealError(issues) };
}

/**
 * The cache-buster a client adds to a read so that no cache answers it (jQuery's `cache: false`
 * and others send `_=<timestamp>`): every GET (and HEAD) route takes it and ignores it, whatever
 * its value, as if it had not been sent. A route's own parameters are still checked as sent.
 */
export const cacheBuster = '_';

/**
 * The schemas of the query parameters a route takes and ignores, as the cache-buster is: as if not
 * sent, whatever their values (unstorable ones too: nothing stores them), given once or more.
 */
const ignoredParameters = new WeakSet<z.ZodType>();

function ignored<Schema extends z.ZodType>(schema: Schema): Schema {
  ignoredParameters.add(schema);
  return schema;
}

function without(data: unknown, names: readonly string[]): unknown {
  if (typeof data !== 'object' || data === null || !names.some((name) => Object.hasOwn(data, name))) return data;
  return Object.fromEntries(Object.entries(data).filter(([name]) => !names.includes(name)));
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart, method }) => {
  if (httpPart !== 'querystring') return (data) => withUnstorableTexts(schema.safeParse(data), unstorableIn(httpPart, data));
  const shape: Record<string, z.ZodType> = schema instanceof z.ZodObject ? schema.shape : {};
  const ignoredNames = [
    ...(method === 'GET' || method === 'HEAD' ? [cacheBuster] : []),
    ...Object.keys(shape).filter((name) => ignoredParameters.has(shape[name]!)),
  ];
  return (sent) => {
    const data = without(sent, ignoredNames);
    return withUnstorableTexts(validateQuery(schema, data), unstorableIn(httpPart, data));
  };
};

/**
 * The query string of a route that takes no query parameters: any parameter is an unknown field
 * (400 validation_failed naming it), as on the routes that take some, rather than ignored (a
 * `?fields=loss` sent to `/v1/runs/{id}` instead of `/metrics` would be answered as if unsent).
 */
export const noQueryParameters = z.strictObject({});

/**
 * What a reconnecting client may name the last event it received by. No stream resumes from it:
 * each opens with the stored state afresh (src/api/server-sent-events/followed-streams.ts). Taken
 * with any value, given once or more (a polyfill may add it again to the URL of every
 * reconnection), and ignored: a 4xx would end such a client's stream for good.
 */
const reconnectParameter = (name: string) => ignored(z.union([z.string(), z.array(z.string())]).optional()
  .describe(`Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as \`${name}\` `
    + 'when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed.'));

/**
 * The query string of an event stream: none of its own, but the parameters EventSource polyfills
 * add to every reconnection (`lastEventId`, as event-source-polyfill does; `Last-Event-ID` or
 * `Last-Event-Id` by others, the header's name).
 */
export const eventStreamQueryParameters = z.strictObject({
  lastEventId: reconnectParameter('lastEventId'),
  'Last-Event-ID': reconnectParameter('Last-Event-ID'),
  'Last-Event-Id': reconnectParameter('Last-Event-Id'),
});
