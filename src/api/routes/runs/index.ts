/** /v1/runs: submit, read and list runs. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runSpecSchema } from '../../../contracts/run-spec.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { notModifiedSchema, sendTaggedJson } from '../etag.ts';
import type { RunService } from './run-service.ts';
import { runStatusSchema } from '../../../contracts/run-status.ts';
import { runListItemSchema, runViewSchema, toRunListItem } from '../../../contracts/run-view.ts';
import { runViewSerializerCompiler, toRunView } from './run-view.ts';
import { pageQueryShape } from '../cursor-page.ts';
import { clientGone } from '../client-gone.ts';
import { refuseOtherSpecKind } from '../misplaced-spec.ts';
import { deletionsInProgressNote } from '../deletion-answer.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const runListSchema = z
  .object({
    runs: z.array(runListItemSchema).describe('Runs, newest first; each result without `params` (read the run for them).'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'RunList', description: 'A page of runs.' });


export async function runRoutes(app: FastifyInstance, { runService }: { runService: RunService }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post('/runs', {
    schema: {
      summary: 'Submit a run',
      description: 'Stores the run (status `queued`) and queues it for the workers. A repeated `Idempotency-Key` returns the run created first. '
        + 'A tenant with `TENANT_MAX_ACTIVE_RUNS` queued or running runs gets 429 `quota_exceeded`; a run whose rows '
        + '(its updates / `record.every`: maxSteps, or, when `training.epochs` ends it, its epochs\' updates over its data, for a parallel run p times the batches of replica 0\'s shard an epoch) would take the tenant past `TENANT_MAX_METRIC_ROWS`, counting the rows stored and those '
        + 'its unfinished runs may still record, gets 403 `storage_quota_exceeded`. Either problem names the quota in `quota`, '
        + 'with its limit and the use. Of submissions made at once, the first that fit the quotas are stored, in the order they arrived, '
        + 'and only the others refused; a repeated `Idempotency-Key` is never refused. A tenant runs at most `TENANT_MAX_RUNNING_RUNS` runs at once; the others wait their turn queued. '
        + 'A run that would need more than `WORKER_MAX_RUN_BYTES` in a worker (parameters, optimizer state, replicas, checkpoint, data) '
        + 'gets 422 `run_too_large` naming the field that makes it large.',
      tags: ['runs'],
      headers: z.looseObject({
        'idempotency-key': z.string().min(1).max(255).optional()
          .describe('Any unique string; retries with the same key and spec return the same run.'),
      }),
      body: runSpecSchema,
      querystring: noQueryParameters,
      response: { 201: runViewSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
    },
    preValidation: refuseOtherSpecKind('run'),
    serializerCompiler: runViewSerializerCompiler,
  }, async (request, reply) => {
    const { tenantId } = principalOf(request);
    const { run, replayed } = await runService.submit(tenantId, request.body, request.headers['idempotency-key'], clientGone(reply));
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).header('location', `/v1/runs/${run.id}`).send(toRunView(run));
  });

  routes.get('/runs', {
    schema: {
      summary: 'List runs',
      description: 'Newest first, with cursor pagination, optionally filtered by status, sweep, optimizer, objective kind and a search. '
        + 'Each run\'s result leaves out `params` (a run of millions of parameters would make the page too large): `GET /v1/runs/{id}` has them. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the page is unchanged.',
      tags: ['runs'],
      querystring: z.strictObject({
        status: runStatusSchema.optional(),
        sweepId: z.uuid().optional().describe('Only the trials of this sweep.'),
        optimizer: z.string().min(1).max(64).optional().describe('Only runs of this optimizer (`spec.optimizer.name`).'),
        objectiveType: z.enum(['expression', 'benchmark', 'model']).optional().describe('Only runs whose objective is of this kind.'),
        search: z.string().trim().min(1).max(200).optional()
          .describe('Only runs whose optimizer name, expression, benchmark or model name contains this text, ignoring case '
            + '(`adam` finds `AdamW`, `HIMMEL` finds `himmelblau`), or whose id it is or ends with (8 or more of its last characters, as the dashboard shows runs). '
            + 'Spaces around it are left out. `%`, `_` and `\\` are searched as themselves.'),
        ...pageQueryShape,
      }),
      response: { 200: runListSchema, 304: notModifiedSchema, ...problemResponses(400, 401, 429) },
    },
    serializerCompiler: runViewSerializerCompiler,
  }, async (request, reply) => {
    const { items, nextCursor } = await runService.list(principalOf(request).tenantId, request.query);
    return sendTaggedJson(request, reply, JSON.stringify({ runs: items.map((run) => toRunListItem(toRunView(run))), nextCursor }));
  });

  routes.get('/runs/:id', {
    schema: {
      summary: 'Get a run',
      description: 'Status, progress, early-stopping state and result. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the run is unchanged.',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 200: runViewSchema, 304: notModifiedSchema, ...problemResponses(400, 401, 404, 429) },
    },
    serializerCompiler: runViewSerializerCompiler,
  }, async (request, reply) =>
    sendTaggedJson(request, reply, JSON.stringify(toRunView(await runService.get(principalOf(request).tenantId, request.params.id)))));

  routes.delete('/runs/:id', {
    schema: {
      summary: 'Delete a run',
      description: 'Deletes a finished run with everything recorded for it: its steps, summaries and checkpoints. '
        + 'A queued or running run cannot be deleted (409 `run_active`): cancel it first. A trial of a sweep that has not ended '
        + 'cannot be deleted either (409 `sweep_active`): its sweep numbers, counts and learns from its trials while it runs. '
        + deletionsInProgressNote,
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 204: z.null().describe('Deleted.'), ...problemResponses(400, 401, 404, 409, 429) },
    },
  }, async (request, reply) => {
    await runService.delete(principalOf(request).tenantId, request.params.id);
    return reply.code(204).send(null);
  });

  routes.post('/runs/:id/cancel', {
    schema: {
      summary: 'Cancel a run',
      description: 'A queued run is cancelled at once and never starts (200, status `cancelled`). A running run stops '
        + 'within one slice with stopReason `cancelled`, its metrics kept (202; follow it with GET or /events); '
        + 'one that no worker is running (its job waits to resume, failed or is gone) is cancelled at once (200). '
        + 'A finished run cannot be cancelled (409).',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 200: runViewSchema, 202: runViewSchema, ...problemResponses(400, 401, 404, 409, 429, 503) },
    },
    serializerCompiler: runViewSerializerCompiler,
  }, async (request, reply) => {
    const { run, pending } = await runService.cancel(principalOf(request).tenantId, request.params.id);
    return reply.code(pending ? 202 : 200).send(toRunView(run));
  });
}
