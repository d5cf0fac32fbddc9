/**
 * GET /v1/runs/{id}/metrics: a run's recorded steps, as pages of rows or as at most
 * `maxPoints` downsampled buckets (mean, min and max per field, so spikes stay visible), in
 * JSON or CSV. Responses carry an ETag that changes only when new steps land, so dashboards
 * polling every second get `304 Not Modified` in between.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MetricsExport } from '../../../db/metrics-export.ts';
import type { MetricsQuery } from '../../../db/metrics-query.ts';
import { largestStep, maxPointsRange, metricFields, type MetricField } from '../../../contracts/metric-fields.ts';
import type { SharedPages } from '../../../queue/shared-pages.ts';
import { AppError } from '../../errors/app-error.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { matchesEtag, weakEtag } from '../etag.ts';
import { runNotFound } from './run-service.ts';
import { isUuid } from '../../../db/uuid.ts';
import { MetricsPageCache, type CachedPage } from './metrics-cache.ts';
import { metricsCsv } from './metrics-csv.ts';
import { isFinalRunStatus } from '../../../contracts/run-status.ts';
import type { TenantSlots } from '../../tenant-slots.ts';
import { preferredMediaType } from '../preferred-media-type.ts';
import { queryInteger } from '../query-integer.ts';

const defaultFields = metricFields.filter((field) => field !== 'params');
const defaultLimit = 1000;

/** A page's cursor is the last step it holds; anything else (not a step, beyond the last possible one) is a 400 `invalid_cursor`. */
function stepAfter(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const step = /^\d{1,10}$/.test(cursor) ? Number(cursor) : NaN;
  if (step <= largestStep) return step;
  throw new AppError(400, 'invalid_cursor', 'Invalid cursor', {
    detail: 'The cursor is not one this API returned; start again without it.',
    errors: [{ path: 'cursor', message: 'Not a cursor returned by this API.', code: 'invalid_cursor' }],
  });
}

const fieldsSchema = z
  .string()
  .transform((text, context) => {
    const fields = [...new Set(text.split(',').map((field) => field.trim()).filter(Boolean))];
    const unknown = fields.filter((field) => !(metricFields as readonly string[]).includes(field));
    if (unknown.length) {
      context.addIssue({ code: 'custom', message: `Unknown field ${unknown.map((f) => `'${f}'`).join(', ')}; choose from ${metricFields.join(', ')}.` });
      return z.NEVER;
    }
    return fields as MetricField[];
  })
  .describe(`Comma-separated fields to return besides \`step\`: ${metricFields.join(', ')}. Default: all but \`params\`.`);

const querySchema = z.strictObject({
  fields: fieldsSchema.optional(),
  from: queryInteger('from', { min: 1, max: largestStep }).describe('First step (inclusive).'),
  to: queryInteger('to', { min: 1, max: largestStep }).describe('Last step (inclusive).'),
  limit: queryInteger('limit', { min: 1, max: 10_000 })
    .describe('Rows per page (not with `maxPoints`); default 1000 for JSON. CSV and JSON lines without `limit`, `cursor` or `maxPoints` stream every row of the range.'),
  cursor: z.string().optional().describe('`nextCursor` of the previous page (not with `maxPoints`).'),
  maxPoints: queryInteger('maxPoints', { min: maxPointsRange.least, max: maxPointsRange.most })
    .describe('Downsample to at most this many buckets when the range holds more rows; all of them in one answer (no `limit` or `cursor`). '
      + 'Buckets share one width (`bucketSize`, aligned to its multiples), the narrowest that gives at most `maxPoints`: '
      + 'so exactly `maxPoints` where the range\'s rows allow it, on a range of up to max(16,384, 16·maxPoints) steps; '
      + 'a longer one is cut at whole summaries kept at ingest, which leave at least four fifths of the buckets the narrowest width would '
      + 'past 64·maxPoints steps and at least half below.'),
  format: z.enum(['json', 'csv', 'jsonl']).optional()
    .describe('`csv` for text/csv (also chosen by `Accept: text/csv`), `jsonl` for one JSON object per line (`Accept: application/jsonl` or `application/x-ndjson`).'),
});

const metricRowSchema = z
  .looseObject({ step: z.number().int().describe('The step (update number, from 1).') })
  .catchall(z.union([z.number(), z.null(), z.array(z.number().nullable())]))
  .meta({ id: 'MetricRow', description: 'One recorded step: `step`, then the selected fields; non-finite values are null.' });

const metricBucketSchema = z
  .looseObject({
    step: z.number().int().describe('First recorded step in the bucket.'),
    stepEnd: z.number().int().describe('Last recorded step in the bucket.'),
    count: z.number().int().describe('Recorded steps in the bucket.'),
  })
  .catchall(z.union([z.number(), z.null(), z.array(z.number().nullable())]))
  .meta({
    id: 'MetricBucket',
    description: 'A downsampled bucket: each selected field as the mean of its finite values (null when there is none), plus '
      + '`<field>Min` and `<field>Max`; a mean is exact, up to rounding, even when the values sum past the range of a double. '
      + '`epoch`, `elapsedSeconds` and `params` (the parameters) at the bucket\'s last recorded step, `stepEnd`.',
  });

const metricsPageSchema = z
  .object({
    runId: z.uuid().describe('The run id.'),
    fields: z.array(z.enum(metricFields)).describe('The fields each point carries besides `step`.'),
    downsampled: z.boolean().describe('Whether the points are buckets (with `maxPoints`) rather than rows.'),
    bucketSize: z.number().int().nullable().describe('Steps per bucket when downsampled, else null.'),
    points: z.array(z.union([metricRowSchema, metricBucketSchema])).describe('Rows (or buckets) in step order.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'MetricsPage', description: "A page of a run's recorded steps, or its downsampled buckets." });

export type MetricsPage = z.infer<typeof metricsPageSchema>;

export async function runMetricsRoutes(
  app: FastifyInstance,
  { metricsQuery, metricsExport, sharedPages, exportSlots, cacheBytes = 32 * 1024 * 1024 }:
    { metricsQuery: MetricsQuery; metricsExport: MetricsExport; sharedPages: SharedPages; exportSlots: TenantSlots; cacheBytes?: number },
): Promise<void> {
  const cache = new MetricsPageCache(cacheBytes);

  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/metrics', {
    schema: {
      summary: "A run's per-step metrics",
      description: 'Rows in step order with cursor pagination, or with `maxPoints` at most that many buckets '
        + '(mean, min and max per field), computed from summaries kept at ingest. JSON or CSV. '
        + 'Send the `ETag` back as `If-None-Match` to get `304` while nothing new was recorded. '
        + 'A whole range streamed as CSV or JSON lines counts against the tenant\'s `TENANT_MAX_CONCURRENT_EXPORTS` '
        + 'until it is sent (429 `too_many_concurrent` beyond); a running run\'s ends at the last step recorded when it began.',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: querySchema,
      response: {
        200: metricsPageSchema.describe('JSON, or text/csv with `format=csv`.'),
        304: z.null().describe('Not modified since the ETag sent in If-None-Match.'),
        ...problemResponses(400, 401, 404, 429, 503),
      },
    },
  }, async (request, reply) => {
    // The run and its revision (status, last step) in one statement: a poll that gets 304 costs one.
    const revision = isUuid(request.params.id) ? await metricsQuery.revision(principalOf(request).tenantId, request.params.id) : null;
    if (!revision) throw runNotFound(request.params.id);
    const { runId, lastStep } = revision;
    const { tenantId } = principalOf(request);
    const query = request.query;
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw new AppError(400, 'validation_failed', 'Invalid request', {
        detail: '`from` must not be after `to`.',
        errors: [{ path: 'from', message: `from (${query.from}) is after to (${query.to}).`, code: 'invalid_range' }],
      });
    }
    if (query.maxPoints !== undefined && (query.limit !== undefined || query.cursor !== undefined)) {
      // Buckets come in one answer: a page size or a cursor beside them would be ignored.
      const paging = (['limit', 'cursor'] as const).filter((name) => query[name] !== undefined);
      throw new AppError(400, 'validation_failed', 'The request is invalid', {
        detail: `\`${paging.join('` and `')}\` ${paging.length === 1 ? 'pages' : 'page'} rows and cannot be combined with \`maxPoints\`.`,
        errors: paging.map((name) => ({ path: name, message: `${name} pages rows; maxPoints answers every bucket at once.`, code: 'invalid_combination' })),
      });
    }
    const afterStep = stepAfter(query.cursor);
    const fields = query.fields ?? defaultFields;
    const format = query.format ?? formatAccepted(request.headers.accept);

    const finished = isFinalRunStatus(revision.status);
    const etag = weakEtag(`${runId}|${lastStep}|${finished}|${format}|${request.url.split('?')[1] ?? ''}`);
    reply.header('etag', etag);
    reply.header('cache-control', finished ? 'private, max-age=86400' : 'private, no-cache');
    reply.header('vary', 'accept, authorization');
    if (matchesEtag(request.headers['if-none-match'], etag)) return notModified(reply);

    const from = query.from ?? 1;
    const to = Math.min(query.to ?? largestStep, Math.max(lastStep, from));
    if (format !== 'json' && query.limit === undefined && query.cursor === undefined && query.maxPoints === undefined) {
      // A whole range: read page by page as the client takes it, never held whole or cached. It
      // holds one of the tenant's export slots until it is sent or its client is gone.
      const release = exportSlots.take(tenantId);
      try {
        const stream = await metricsExport.open(runId, { fields, from, to, format });
        if (!stream) throw runNotFound(runId);
        // Given back when the client leaves too: the stream closes only once a page being read is.
        stream.once('close', release);
        reply.raw.once('close', release);
        return sendStream(reply, contentTypes[format], stream);
      } catch (error) {
        release();
        throw error;
      }
    }
    const cached = cache.get(etag);
    if (cached) return sendText(reply, cached);

    // Computed once per (run, revision, query) across all API processes; the ETag names all three.
    const text = await sharedPages.getOrCompute(etag.slice(3, -1), async (): Promise<CachedPage> => {
      let page: MetricsPage;
      if (query.maxPoints !== undefined && lastStep >= from && (await metricsQuery.count(runId, from, to)) > query.maxPoints) {
        const { bucketSize, buckets } = await metricsQuery.downsample(runId, { fields, from, to, maxPoints: query.maxPoints });
        page = { runId, fields, downsampled: true, bucketSize, points: buckets, nextCursor: null };
      } else {
        const limit = query.maxPoints ?? query.limit ?? defaultLimit;
        const rows = await metricsQuery.rows(runId, { fields, from, to, afterStep, limit: limit + 1 });
        const points = rows.slice(0, limit);
        const nextCursor = rows.length > limit ? String(points.at(-1)!.step) : null;
        page = { runId, fields, downsampled: false, bucketSize: null, points, nextCursor };
      }
      // Built here from typed queries, so the page is written out directly: validating a
      // thousand buckets against the response schema cost as much as the query itself.
      const body = format === 'csv' ? metricsCsv(page) : format === 'jsonl' ? metricsJsonLines(page) : JSON.stringify(page);
      return { contentType: contentTypes[format], body, nextCursor: format === 'json' ? null : page.nextCursor };
    });
    cache.set(etag, text);
    return sendText(reply, text);
  });
}

const contentTypes = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
} as const;

/** The media types `Accept` may name, each with its format; the first is the default. */
const formatsOfMediaTypes = { 'application/json': 'json', 'text/csv': 'csv', 'application/jsonl': 'jsonl', 'application/x-ndjson': 'jsonl' } as const;
type AcceptedMediaType = keyof typeof formatsOfMediaTypes;
const acceptedMediaTypes = Object.keys(formatsOfMediaTypes) as [AcceptedMediaType, ...AcceptedMediaType[]];

/** The format an `Accept` header prefers when `format` is not given. */
function formatAccepted(accept: string | undefined): keyof typeof contentTypes {
  return formatsOfMediaTypes[preferredMediaType(accept, acceptedMediaTypes)];
}

/** A page's points, one JSON object per line (the cursor of the next page goes in a header). */
function metricsJsonLines(page: MetricsPage): string {
  return page.points.map((point) => `${JSON.stringify(point)}\n`).join('');
}

/** 304 carries no body (the typed reply would write `null`). */
function notModified(reply: FastifyReply) {
  return reply.code(304).send();
}

function sendStream(reply: FastifyReply, contentType: string, stream: Readable) {
  return reply.type(contentType).send(stream);
}

function sendText(reply: FastifyReply, page: CachedPage) {
  if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor);
  return reply.type(page.contentType).serializer((body: unknown) => String(body)).send(page.body);
}
