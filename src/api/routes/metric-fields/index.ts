/** /v1/metric-fields: the recorded metrics of a step, straight from the contract's metric-field table. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { metricFieldSchema, metricFieldViews } from '../../../contracts/metric-fields.ts';
import { problemResponses } from '../../errors/problem.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const catalogueSchema = z
  .object({ fields: z.array(metricFieldSchema).describe('Every recorded field, in column order.') })
  .meta({ id: 'MetricFieldCatalogue', description: 'The metrics a run records at each step.' });

export async function metricFieldRoutes(app: FastifyInstance): Promise<void> {
  const catalogue: z.output<typeof catalogueSchema> = { fields: metricFieldViews };
  app.withTypeProvider<ZodTypeProvider>().get('/metric-fields', {
    schema: {
      summary: 'The metric catalogue',
      description: 'Every metric recorded per step (the `fields` of `GET /v1/runs/{id}/metrics`, besides `step` and `params`): what it measures, whether downsampled answers summarise it, and how the dashboard draws it.',
      tags: ['catalogues'],
      querystring: noQueryParameters,
      response: { 200: catalogueSchema, ...problemResponses(400, 401, 429) },
    },
  }, async () => catalogue);
}
