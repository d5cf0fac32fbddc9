/** /v1/parallel-algorithms: the parallel-algorithm catalogue, straight from the core's registry. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeParallelAlgorithms, executions, maximumReplicas } from '../../../core/parallel/index.ts';
import { problemResponses } from '../../errors/problem.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const parameterSchema = z
  .object({
    name: z.enum(['communicationPeriod', 'movingRate', 'delay', 'shards']).describe('The field of `parallel` in a run spec.'),
    type: z.enum(['integer', 'number']).describe('Whole numbers only, or any number.'),
    minimum: z.number().describe('The smallest value allowed.'),
    maximum: z.number().describe('The largest value allowed.'),
    default: z.number().nullable().describe('The value used when the field is left out; null when it depends on `replicas` (movingRate: 0.9/p).'),
    simulatedOnly: z.boolean().describe('The field applies only with execution "simulated".'),
    description: z.string().describe('What it sets, in a sentence.'),
  })
  .meta({ id: 'ParallelParameter', description: 'A field of `parallel` in a run spec, with its bounds.' });

const algorithmSchema = z
  .object({
    name: z.string().describe('The value of `parallel.algorithm`.'),
    description: z.string().describe('One line.'),
    paper: z.string().describe('The paper it comes from.'),
    optimizer: z.string().nullable().describe('The only `optimizer.name` the algorithm runs with; null: any optimizer.'),
    executions: z.array(z.enum(executions)).describe('The values of `parallel.execution` this service runs it in.'),
    schedules: z.boolean().describe('Whether a learning-rate `schedule` applies to its steps.'),
    parameters: z.array(parameterSchema).describe('The fields of `parallel` it uses besides algorithm, replicas and execution.'),
  })
  .meta({ id: 'ParallelAlgorithm', description: 'A parallel algorithm a run spec can name in `parallel.algorithm`.' });

const catalogueSchema = z
  .object({
    replicas: z.object({ minimum: z.number().describe('The fewest replicas.'), maximum: z.number().describe('The most replicas.') }).describe('Bounds of `parallel.replicas`.'),
    algorithms: z.array(algorithmSchema).describe('Every parallel algorithm.'),
  })
  .meta({ id: 'ParallelAlgorithmCatalogue', description: 'The parallel algorithms and the bounds of `parallel.replicas`.' });

export async function parallelAlgorithmRoutes(app: FastifyInstance): Promise<void> {
  const catalogue: z.output<typeof catalogueSchema> = {
    replicas: { minimum: 1, maximum: maximumReplicas },
    algorithms: describeParallelAlgorithms().map((algorithm) => ({
      ...algorithm,
      executions: [...algorithm.executions],
      parameters: algorithm.parameters.map((parameter) => ({ ...parameter })),
    })),
  };
  app.withTypeProvider<ZodTypeProvider>().get('/parallel-algorithms', {
    schema: {
      summary: 'The parallel-algorithm catalogue',
      description: 'Every parallel algorithm (the `parallel` block of a run spec) with its paper, the optimizer it needs, the executions it runs in and its parameters with bounds and defaults.',
      tags: ['catalogues'],
      querystring: noQueryParameters,
      response: { 200: catalogueSchema, ...problemResponses(400, 401, 429) },
    },
  }, async () => catalogue);
}
