/** /v1/datasets: upload (JSON or streamed CSV), describe, list and read datasets. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { datasetUploadSchema } from '../../../contracts/dataset-upload.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { csvAwareValidatorCompiler, isCsvBody, isJsonUploadBody, registerCsvBodyParser, registerJsonUploadParser, type DatasetUploadLimits } from './csv-upload.ts';
import type { DatasetService } from './dataset-service.ts';
import {
  dataQuerySchema,
  datasetDataSchema,
  datasetListQuerySchema,
  datasetListSchema,
  datasetViewSchema,
  toDatasetView,
  uploadQuerySchema,
} from './dataset-view.ts';
import type { RequestSlot, TenantSlots } from '../../tenant-slots.ts';
import { deletionsInProgressNote } from '../deletion-answer.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

export interface DatasetRoutesOptions {
  readonly datasetService: DatasetService;
  readonly limits: DatasetUploadLimits;
  /** Each tenant's uploads in progress (TENANT_MAX_CONCURRENT_UPLOADS). */
  readonly uploadSlots: TenantSlots;
}

const idParams = z.object({ id: z.string().describe('The dataset id (a UUID).') });

/**
 * The upload, in a scope of its own: its body parsers (which read up to DATASET_MAX_BYTES) apply
 * to it alone, the other routes keeping the application's (BODY_LIMIT_BYTES).
 */
async function uploadRoute(app: FastifyInstance, { datasetService, limits, uploadSlots }: DatasetRoutesOptions): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  registerCsvBodyParser(app, limits);
  registerJsonUploadParser(app, limits);
  /** Each upload's slot of its tenant's, taken as it comes. */
  const slots = new WeakMap<FastifyRequest, RequestSlot>();

  routes.post('/datasets', {
    // Both parsers count the bytes against the dataset limit as they arrive (413 `dataset_too_large`).
    bodyLimit: limits.maxBytes,
    validatorCompiler: csvAwareValidatorCompiler,
    // The tenant's slot is taken before a byte of the body is read: a JSON body is read whole
    // (up to DATASET_MAX_BYTES) before the handler runs, so a slot taken there left a tenant any
    // number of bodies in memory at once. Given back once the answer is sent or the client left,
    // and the upload's work has ended.
    preParsing: async (request, reply, payload) => {
      slots.set(request, uploadSlots.forRequest(principalOf(request).tenantId, reply.raw));
      return payload;
    },
    schema: {
      summary: 'Upload a dataset',
      description: 'JSON (`application/json`, the schema below: the dense or sparse form a model objective takes inline) '
        + 'or CSV (`Content-Type: text/csv`: a header row of column names of at most 200 characters, then one row of decimal numbers per line; '
        + '`?target=<column>` names the target, default the last column; `?difficulty=<column>` a difficulty column; '
        + '`?name=` a name). CSV is streamed to the database block by block as it is read, never held whole; JSON is parsed and validated '
        + 'off the event loop. Answers with the description (schema, row count, content hash and digest), '
        + 'not the data. Too many bytes, rows or columns: 413. A malformed CSV (ragged row, non-numeric cell, missing value, '
        + 'unknown target column, empty file): 422 naming the line and column. An upload that would take the tenant\'s stored '
        + 'dataset bytes (8 a stored number) past `TENANT_MAX_DATASET_BYTES`: 403 `storage_quota_exceeded`, naming the quota, its limit '
        + 'and the use. A tenant with `TENANT_MAX_CONCURRENT_UPLOADS` uploads already in progress on the server: 429 `too_many_concurrent` '
        + 'with `Retry-After`, the body unread (CSV or JSON). An upload that waits for one of the upload '
        + 'connections longer than its bound (120 s): 503 `service_busy` with `Retry-After`. A refused upload stores nothing. Reference the dataset from a model objective '
        + 'as `"data": {"id": …}`.',
      tags: ['datasets'],
      querystring: uploadQuerySchema,
      body: datasetUploadSchema,
      response: { 201: datasetViewSchema, ...problemResponses(400, 401, 403, 413, 415, 422, 429, 503) },
    },
  }, async (request, reply) => {
    const { tenantId } = principalOf(request);
    const body: unknown = request.body;
    if (!isCsvBody(body) && !isJsonUploadBody(body)) throw new Error('the dataset upload reached the route without a body');
    const slot = slots.get(request);
    if (!slot) throw new Error('the dataset upload reached the route without its tenant slot');
    const stored = await slot.holding(() => (isCsvBody(body)
      ? datasetService.createFromCsv(tenantId, body, request.query)
      : datasetService.createFromJson(tenantId, body, request.query)));
    return reply.code(201).header('location', `/v1/datasets/${stored.id}`).send(toDatasetView(stored));
  });
}

export async function datasetRoutes(app: FastifyInstance, options: DatasetRoutesOptions): Promise<void> {
  const { datasetService } = options;
  const routes = app.withTypeProvider<ZodTypeProvider>();
  await app.register(uploadRoute, options);

  routes.get('/datasets', {
    schema: {
      summary: 'List datasets',
      description: 'Newest first, with cursor pagination; descriptions only. With `contentSha256`, only the datasets of that content '
        + '(an exact match of their sha256 digest; one that is not a digest is a 400 `validation_failed` naming it).',
      tags: ['datasets'],
      querystring: datasetListQuerySchema,
      response: { 200: datasetListSchema, ...problemResponses(400, 401, 429) },
    },
  }, async (request) => {
    const { items, nextCursor } = await datasetService.list(principalOf(request).tenantId, request.query);
    return { datasets: items.map(toDatasetView), nextCursor };
  });

  routes.get('/datasets/:id', {
    schema: {
      summary: 'Describe a dataset',
      description: 'Name, format, row count, content hash and digest, and schema (columns, feature count, classes). The rows: `GET /v1/datasets/{id}/data`.',
      tags: ['datasets'],
      params: idParams,
      querystring: noQueryParameters,
      response: { 200: datasetViewSchema, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => toDatasetView(await datasetService.get(principalOf(request).tenantId, request.params.id)));

  routes.get('/datasets/:id/data', {
    schema: {
      summary: "Read a dataset's rows",
      description: 'A page of rows in the upload form, exactly as stored (every number bit for bit).',
      tags: ['datasets'],
      params: idParams,
      querystring: dataQuerySchema,
      response: { 200: datasetDataSchema, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request, reply) => {
    // The body comes written (see dataset-page.ts): the same bytes the response schema would give.
    const body = await datasetService.data(principalOf(request).tenantId, request.params.id, request.query);
    return reply.type('application/json; charset=utf-8').send(Buffer.from(body.buffer, body.byteOffset, body.byteLength) as never);
  });

  routes.delete('/datasets/:id', {
    schema: {
      summary: 'Delete a dataset',
      description: 'A dataset that a run names, directly or through its stored objective (finished or not: a finished run\'s '
        + 'landscape and parameter names are built from it), a sweep that has not ended or a stored objective cannot be deleted: '
        + '409 `dataset_in_use`, whose `usedBy` counts them and lists the newest. Delete those runs (cancel an unfinished one) '
        + 'and stored objectives first, and cancel those sweeps or let them end. '
        + 'A run, sweep or stored objective naming it that is submitted meanwhile is either stored first (and the deletion is '
        + 'that 409) or refused after it, with the 404 `dataset_not_found` of one naming no dataset. '
        + deletionsInProgressNote,
      tags: ['datasets'],
      params: idParams,
      querystring: noQueryParameters,
      response: { 204: z.null().describe('Deleted.'), ...problemResponses(400, 401, 404, 409, 429) },
    },
  }, async (request, reply) => {
    await datasetService.delete(principalOf(request).tenantId, request.params.id);
    return reply.code(204).send(null);
  });
}
