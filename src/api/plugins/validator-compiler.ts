/**
 * Request validation with zod that hands fastify the ZodError itself (fastify tags it with
 * `validationContext` and passes it to the error handler), so field paths keep their numeric
 * indices and the error handler can use `toFieldIssues` as the CLI does. A string of the body
 * or the query string that PostgreSQL cannot store (src/core/unstorable-text.ts) is one more
 * bad field, named with the others. A query parameter given more than once (`?limit=2&limit=3`,
 * which the query string's parser makes an array) is named as repeated: every query parameter
 * takes one value, and what its schema says of the array ("expected number, received NaN") says
 * nothing of the mistake.
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

/** The schemas of the query parameters that may be given more than once; any other is refused repeated. */
const takesRepeats = new WeakSet<z.ZodType>();

function repeatable<Schema extends z.ZodType>(schema: Schema): Schema {
  takesRepeats.add(schema);
  return schema;
}

/**
 * A query parameter's values, given once or more, each passing `isValid` (one that does not is
 * named by its place: `lastEventId[1]` when repeated), the last one given counting.
 */
const lastOfValues = (isValid: (value: string) => boolean, message: string) => z.union([z.string(), z.array(z.string()).min(1)])
  .superRefine((given, context) => {
    const values = typeof given === 'string' ? [given] : given;
    values.forEach((value, index) => {
      if (!isValid(value)) context.addIssue({ code: 'custom', path: typeof given === 'string' ? [] : [index], message, input: value });
    });
  })
  .transform((given) => (typeof given === 'string' ? given : given.at(-1)!));

/**
 * A query string's validation: a parameter given more than once is one issue, saying so, in place
 * of those its schema finds in the array of its values (an unknown one stays unknown), unless its
 * schema takes it repeated.
 */
function validateQuery(schema: z.ZodType, data: unknown): z.ZodSafeParseResult<unknown> {
  const result = schema.safeParse(data);
  if (result.success || typeof data !== 'object' || data === null) return result;
  const unknown = new Set(result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [])));
  const shape: Record<string, z.ZodType> = schema instanceof z.ZodObject ? schema.shape : {};
  const refused = (key: string) => !unknown.has(key) && !(Object.hasOwn(shape, key) && takesRepeats.has(shape[key]!));
  const repeated = Object.entries(data).filter(([key, value]) => Array.isArray(value) && refused(key)) as [string, unknown[]][];
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


function withoutCacheBuster(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, cacheBuster)) return data;
  const { [cacheBuster]: _ignored, ...rest } = data as Record<string, unknown>;
  return rest;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart, method }) => {
  if (httpPart !== 'querystring') return (data) => withUnstorableTexts(schema.safeParse(data), unstorableIn(httpPart, data));
  const ignoresCacheBuster = method === 'GET' || method === 'HEAD';
  return (sent) => {
    const data = ignoresCacheBuster ? withoutCacheBuster(sent) : sent;
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
 * Whether `text` can be an event's id, as the event stream format allows one: no NUL (EventSource
 * drops an `id:` that holds one), no carriage return or line feed (a field ends at either).
 */
const isEventId = (text: string) => !/[\0\r\n]/.test(text);

/**
 * What a reconnecting client may name its last event by, which no stream replays (it opens with
 * the state afresh); given more than once, as a polyfill that adds it again to the URL of every
 * reconnection sends it, the last value counts.
 */
const reconnectParameter = (name: string) => repeatable(lastOfValues(isEventId, 'Not an event id: an event id holds no NUL, carriage return or line feed.').optional()
  .describe(`Ignored: the id of the last event received, which some EventSource polyfills add as \`${name}\` when they reconnect `
    + '(given more than once, as some add it again at every reconnection, the last one counts). A stream opens with the stored state afresh; '
    + 'nothing is replayed. A value that cannot be an event id (one holding NUL, a carriage return or a line feed) is a 400.'));

/**
 * The query string of an event stream: none of its own, but the parameters EventSource polyfills
 * add to every reconnection (`lastEventId`, as event-source-polyfill does; `Last-Event-ID` or
 * `Last-Event-Id` by others, the header's name) are taken and ignored, once or repeated. Refusing
 * them would end such a client's stream for good: it gives up on a 4xx.
 */
export const eventStreamQueryParameters = z.strictObject({
  lastEventId: reconnectParameter('lastEventId'),
  'Last-Event-ID': reconnectParameter('Last-Event-ID'),
  'Last-Event-Id': reconnectParameter('Last-Event-Id'),
});
