/** /v1/benchmarks: the benchmark functions a run spec can name, straight from the core's registry. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { benchmarks } from '../../../core/objectives/index.ts';
import { problemResponses } from '../../errors/problem.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const benchmarkSchema = z
  .object({
    name: z.string().describe('The `name` of a benchmark objective.'),
    description: z.string().describe('The formula, the standard start and the known minimum, in one line.'),
    dimensions: z.object({
      default: z.number().int().describe('The size without `dimensions`.'),
      min: z.number().int().describe('The smallest size.'),
      max: z.number().int().describe('The largest size.'),
    })
      .describe('Allowed and default sizes; two-dimensional functions have min = max = 2.'),
    conditioned: z.boolean().describe('Whether `conditionNumber` applies.'),
  })
  .meta({ id: 'Benchmark', description: 'A benchmark function a run spec can name.' });

const catalogueSchema = z
  .object({ benchmarks: z.array(benchmarkSchema).describe('Every benchmark, by name.') })
  .meta({ id: 'BenchmarkCatalogue', description: 'The benchmark functions a run spec can name.' });

export async function benchmarkRoutes(app: FastifyInstance): Promise<void> {
  const catalogue: z.output<typeof catalogueSchema> = {
    benchmarks: Object.values(benchmarks).map((definition) => ({
      name: definition.name,
      description: definition.description,
      dimensions: { ...definition.dimensions },
      conditioned: definition.conditioned ?? false,
    })),
  };
  app.withTypeProvider<ZodTypeProvider>().get('/benchmarks', {
    schema: {
      summary: 'The benchmark catalogue',
      description: 'Every benchmark function with its formula, sizes and whether it takes a condition number; dashboards build their forms from it.',
      tags: ['catalogues'],
      querystring: noQueryParameters,
      response: { 200: catalogueSchema, ...problemResponses(400, 401, 429) },
    },
  }, async () => catalogue);
}
