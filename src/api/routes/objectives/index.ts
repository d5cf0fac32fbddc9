/** /v1/objectives: store, read, list and check objective definitions. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { ObjectiveService } from './objective-service.ts';
import { toObjectiveView } from './objective-service.ts';
import { objectiveCheckSchema, objectiveListSchema, objectiveRequestSchema, objectiveViewSchema } from './objective-view.ts';
import { pageQueryShape } from '../cursor-page.ts';
import { clientGone } from '../client-gone.ts';
import { deletionsInProgressNote } from '../deletion-answer.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

export async function objectiveRoutes(app: FastifyInstance, { objectiveService }: { objectiveService: ObjectiveService }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post('/objectives', {
    schema: {
      summary: 'Store an objective',
      description: 'Validates the objective, builds it, checks its gradient at the starting point and stores it. '
        + 'Run specs can then reference it as `"objective": {"id": …}`.',
      tags: ['objectives'],
      body: objectiveRequestSchema,
      querystring: noQueryParameters,
      response: { 201: objectiveViewSchema, ...problemResponses(400, 401, 413, 415, 422, 429) },
    },
  }, async (request, reply) => {
    const stored = await objectiveService.create(principalOf(request).tenantId, request.body);
    return reply.code(201).header('location', `/v1/objectives/${stored.id}`).send(toObjectiveView(stored));
  });

  routes.post('/objectives/check', {
    schema: {
      summary: 'Check an objective without storing it',
      description: 'Parses and validates the objective, builds it and compares its gradient with finite differences at the starting point.',
      tags: ['objectives'],
      body: objectiveRequestSchema,
      querystring: noQueryParameters,
      response: { 200: objectiveCheckSchema, ...problemResponses(400, 401, 413, 415, 422, 429) },
    },
  }, async (request, reply) => objectiveService.check(principalOf(request).tenantId, request.body.objective, clientGone(reply)));

  routes.get('/objectives', {
    schema: {
      summary: 'List stored objectives',
      description: 'Newest first, with cursor pagination.',
      tags: ['objectives'],
      querystring: z.strictObject({
        ...pageQueryShape,
      }),
      response: { 200: objectiveListSchema, ...problemResponses(400, 401, 429) },
    },
  }, async (request) => {
    const { items, nextCursor } = await objectiveService.list(principalOf(request).tenantId, request.query);
    return { objectives: items.map(toObjectiveView), nextCursor };
  });

  routes.get('/objectives/:id', {
    schema: {
      summary: 'Get a stored objective',
      tags: ['objectives'],
      params: z.object({ id: z.string().describe('The objective id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 200: objectiveViewSchema, ...problemResponses(400, 401, 404, 429) },
    },
  }, async (request) => toObjectiveView(await objectiveService.get(principalOf(request).tenantId, request.params.id)));

  routes.delete('/objectives/:id', {
    schema: {
      summary: 'Delete a stored objective',
      description: 'An objective that a run names (finished or not: a finished run\'s landscape and parameter names are built from it) '
        + 'or a sweep that has not ended cannot be deleted: 409 `objective_in_use`, whose `usedBy` counts them and lists the newest. '
        + 'Delete those runs first (cancel an unfinished one), and cancel those sweeps or let them end. '
        + 'A run or sweep naming it that is submitted meanwhile is either stored first (and the deletion is that 409) '
        + 'or refused after it, with the 404 `objective_not_found` of one naming no stored objective. '
        + deletionsInProgressNote,
      tags: ['objectives'],
      params: z.object({ id: z.string().describe('The objective id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 204: z.null().describe('Deleted.'), ...problemResponses(400, 401, 404, 409, 429) },
    },
  }, async (request, reply) => {
    await objectiveService.delete(principalOf(request).tenantId, request.params.id);
    return reply.code(204).send(null);
  });
}
