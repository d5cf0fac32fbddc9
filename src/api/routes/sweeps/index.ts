/** /v1/sweeps: submit, read, list and cancel sweeps, and read their leaderboards. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sweepSpecSchema, type SweepSpec } from '../../../contracts/sweep-spec.ts';
import { sweepStatusSchema, sweepViewSchema, trialViewSchema } from '../../../contracts/sweep-view.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { SweepService } from './sweep-service.ts';
import { trialsCsv } from './sweep-view.ts';
import { pageQueryShape } from '../cursor-page.ts';
import { notModifiedSchema, sendTaggedJson } from '../etag.ts';
import { refuseOtherSpecKind } from '../misplaced-spec.ts';
import { preferredMediaType } from '../preferred-media-type.ts';
import { queryInteger } from '../query-integer.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const sweepListSchema = z
  .object({
    sweeps: z.array(sweepViewSchema).describe('Sweeps, newest first.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'SweepList', description: 'A page of sweeps.' });

const trialListSchema = z
  .object({
    items: z.array(trialViewSchema).describe('With `order=rank` (the default), best first: finished trials by value, then pruned ones (deepest first, then by value), '
      + 'then queued and running ones, then failed and cancelled ones (and finished ones without a value); ties by trial number. With `order=trial`, by trial number.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` (with the same `order`) for the next page, which starts after this page\'s last trial; null on the last page.'),
  })
  .meta({ id: 'TrialList' });

/** What a walk of the pages guarantees, in each order (the route's description, and the README's). */
const pagingDescription = 'Pages continue after the last trial of the page before, whatever ended meanwhile (a keyset cursor, not an offset). '
  + '`order=trial` lists the trials by trial number, which never changes: a walk of its pages returns every trial exactly once, '
  + 'even while the sweep runs (trials it creates during the walk come last), each as it was when its page was read. '
  + '`order=rank` (the default) is the leaderboard, best first, whose order changes as trials end: a walk of its pages returns every trial exactly once '
  + 'when none changes its place meanwhile, and every trial that keeps its place exactly once whatever others do; a trial that changes its place '
  + 'during the walk (it finishes, or gets its value) is returned twice when it moves behind the page already read, or not at all when it moves ahead of it. '
  + 'To see every trial of a running sweep exactly once, walk `order=trial` and rank the trials yourself; to watch the best ones, read the first page of `order=rank` again.';

const idParams = z.object({ id: z.string().describe('The sweep id (a UUID).') });
const json = () => JSON.stringify;

export async function sweepRoutes(app: FastifyInstance, { sweepService }: { sweepService: SweepService }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post('/sweeps', {
    schema: {
      summary: 'Start a sweep',
      description: 'Stores the sweep (status `queued`) and wakes its coordinator, which creates trials (runs) up to `parallelism` '
        + 'and the budget. The spec comes back with every default and the sampler seed filled in. A repeated '
        + '`Idempotency-Key` returns the sweep created first.',
      tags: ['sweeps'],
      headers: z.looseObject({
        'idempotency-key': z.string().min(1).max(255).optional().describe('Any unique string; retries with the same key and spec return the same sweep.'),
      }),
      body: sweepSpecSchema,
      querystring: noQueryParameters,
      response: { 201: sweepViewSchema, ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 503) },
    },
    preValidation: refuseOtherSpecKind('sweep'),
    serializerCompiler: json,
  }, async (request, reply) => {
    const { sweep, replayed } = await sweepService.submit(principalOf(request).tenantId, request.body as SweepSpec, request.headers['idempotency-key']);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).header('location', `/v1/sweeps/${sweep.id}`).send(sweep);
  });

  routes.get('/sweeps', {
    schema: {
      summary: 'List sweeps',
      description: 'Newest first, with cursor pagination. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the page is unchanged.',
      tags: ['sweeps'],
      querystring: z.strictObject({
        status: sweepStatusSchema.optional(),
        ...pageQueryShape,
      }),
      response: { 200: sweepListSchema, 304: notModifiedSchema, ...problemResponses(400, 401, 429) },
    },
    serializerCompiler: json,
  }, async (request, reply) => {
    const { items, nextCursor } = await sweepService.list(principalOf(request).tenantId, request.query);
    return sendTaggedJson(request, reply, JSON.stringify({ sweeps: items, nextCursor }));
  });

  routes.get('/sweeps/:id', {
    schema: {
      summary: 'Get a sweep',
      description: 'Status, trials per status, the best trial so far, progress against the budget, and why it ended.',
      tags: ['sweeps'],
      params: idParams,
      querystring: noQueryParameters,
      response: { 200: sweepViewSchema, ...problemResponses(400, 401, 404, 429) },
    },
    serializerCompiler: json,
  }, async (request) => sweepService.get(principalOf(request).tenantId, request.params.id));

  routes.get('/sweeps/:id/trials', {
    schema: {
      summary: 'A sweep\'s leaderboard',
      description: 'Its trials best first (or by trial number with `order=trial`), paged; CSV with `format=csv` or `Accept: text/csv` (one column per parameter; '
        + 'its `rank` is the row\'s place in the walk of the leaderboard, empty with `order=trial`). '
        + 'Each trial is a run: `runId` works with every /v1/runs route. ' + pagingDescription,
      tags: ['sweeps'],
      params: idParams,
      querystring: z.strictObject({
        limit: queryInteger('limit', { min: 1, max: 10_000 }, 100).describe('Trials per page.'),
        cursor: z.string().min(1).optional().describe('`nextCursor` of the previous page, of the same `order` (another order\'s cursor is a 400 `invalid_cursor`).'),
        order: z.enum(['rank', 'trial']).default('rank').describe('`rank` (the default): the leaderboard, best first. `trial`: by trial number, an order that never changes, whose pages return every trial exactly once while the sweep runs.'),
        format: z.enum(['json', 'csv']).optional().describe('`csv` for text/csv (also chosen by `Accept: text/csv`).'),
      }),
      response: { 200: trialListSchema.describe('JSON, or text/csv with `format=csv`.'), ...problemResponses(400, 401, 404, 429) },
    },
    serializerCompiler: json,
  }, async (request, reply) => {
    const { sweep, shown, items, nextCursor } = await sweepService.trials(principalOf(request).tenantId, request.params.id, request.query);
    const csv = request.query.format === 'csv' || (request.query.format === undefined && preferredMediaType(request.headers.accept, ['application/json', 'text/csv']) === 'text/csv');
    // The same address is JSON or CSV by Accept: a cache keeps them apart.
    reply.header('vary', 'accept');
    if (!csv) return { items, nextCursor };
    if (nextCursor) reply.header('link', `<?cursor=${nextCursor}&format=csv&limit=${request.query.limit}&order=${request.query.order}>; rel="next"`);
    return reply.type('text/csv; charset=utf-8').serializer((body: unknown) => body as string).send(trialsCsv(sweep.spec as SweepSpec, items, shown) as never);
  });

  routes.post('/sweeps/:id/cancel', {
    schema: {
      summary: 'Cancel a sweep',
      description: 'No more trials start; queued trials are cancelled at once, running ones stop within a slice (stopReason `cancelled`), '
        + 'and one that no worker is running (its job waits to resume, failed or is gone) is cancelled at once. '
        + 'A sweep a client has cancelled answers a cancel again as it did the first time (200), its running trials told to stop again: '
        + 'a cancel answered 503 (Redis unreachable) ended the sweep, and its retry stops the trials it could not. '
        + 'A sweep that has ended otherwise cannot be cancelled (409).',
      tags: ['sweeps'],
      params: idParams,
      querystring: noQueryParameters,
      response: { 200: sweepViewSchema, ...problemResponses(400, 401, 404, 409, 429, 503) },
    },
    serializerCompiler: json,
  }, async (request) => sweepService.cancel(principalOf(request).tenantId, request.params.id));
}
