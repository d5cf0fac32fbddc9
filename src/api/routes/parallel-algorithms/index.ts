/** /v1/parallel-algorithms: the parallel-algorithm catalogue, straight from the core's registry. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeParallelAlgorithms, executions, maximumReplicas } from '../../../core/parallel/index.ts';
import { problemResponses } from '../../errors/problem.ts';

const parameterSchema = z
  .object({
    name: z.enum(['communicationPeriod', 'movingRate', 'delay', 'shards']).describe('The field of `parallel` in a run spec.'),
    type: z.enum(['integer', 'number']),
    minimum: z.number(),
    maximum: z.number(),
    default: z.number().nullable().describe('The value used when the field is left out; null when it depends on `replicas` (movingRate: 0.9/p).'),
    simulatedOnly: z.boolean().describe('The field applies only with execution "simulated".'),
    description: z.string(),
  })
  .meta({ id: 'ParallelParameter' });

const algorithmSchema = z
  .object({
    name: z.string().describe('The value of `parallel.algorithm`.'),
    description: z.string().describe('One line.'),
    paper: z.string(),
    optimizer: z.string().nullable().describe('The only `optimizer.name` the algorithm runs with; null: any optimizer.'),
    executions: z.array(z.enum(executions)).describe('The values of `parallel.execution` this service runs it in.'),
    schedules: z.boolean().describe('Whether a learning-rate `schedule` applies to its steps.'),
    parameters: z.array(parameterSchema).describe('The fields of `parallel` it uses besides algorithm, replicas and execution.'),
  })
  .meta({ id: 'ParallelAlgorithm' });

const catalogueSchema = z
  .object({
    replicas: z.object({ minimum: z.number(), maximum: z.number() }).describe('Bounds of `parallel.replicas`.'),
    algorithms: z.array(algorithmSchema),
  })
  .meta({ id: 'ParallelAlgorithmCatalogue' });

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
      response: { 200: catalogueSchema, ...problemResponses(401, 429) },
    },
  }, async () => catalogue);
}
