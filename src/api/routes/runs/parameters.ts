/**
 * GET /v1/runs/{id}/parameters: the names of a run's parameters in vector order, as the
 * objective defines them (an expression's variables, `x`/`y` or `x1 … xn` for benchmarks,
 * `w_sepalLength …, b` for models on named columns), so clients label vectors without knowing
 * each objective's naming. Vectors longer than `maxNamedParameters` get `names: null`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parameterCountFields, parameterCount } from '../../../contracts/parameter-count.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { ObjectiveService } from '../objectives/objective-service.ts';
import { runObjectiveSpec, type RunObjectiveSources } from './run-objective.ts';
import type { RunService } from './run-service.ts';
import { noQueryParameters } from '../../plugins/validator-compiler.ts';

const maxNamedParameters = 100_000;

const parameterNamesSchema = z
  .object({
    runId: z.uuid().describe('The run id.'),
    ...parameterCountFields,
    names: z.array(z.string()).nullable().describe(`The names in vector order; null past ${maxNamedParameters} parameters.`),
  })
  .meta({ id: 'ParameterNames' });

export interface ParameterRouteOptions extends RunObjectiveSources {
  readonly runService: RunService;
  /** Builds the objective off the event loop (a model on a large dataset takes a good part of a second). */
  readonly objectiveService: Pick<ObjectiveService, 'parameterNames'>;
}

export async function runParameterRoutes(app: FastifyInstance, options: ParameterRouteOptions): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/parameters', {
    schema: {
      summary: "The names of a run's parameters",
      description: 'In vector order, as the objective names them. 422 when the objective can no longer be built (a stored objective or dataset deleted).',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: noQueryParameters,
      response: { 200: parameterNamesSchema, ...problemResponses(400, 401, 404, 422, 429) },
    },
  }, async (request, reply) => {
    const run = await options.runService.get(principalOf(request).tenantId, request.params.id);
    const spec = await runObjectiveSpec(options, run);
    // The names depend on the spec alone.
    reply.header('cache-control', 'private, max-age=3600');
    if (spec.type === 'expression') return { runId: run.id, ...parameterCount(spec.variables.length), names: spec.variables };
    // A benchmark's size is known without building it (a 10⁷-dimensional one would allocate).
    const declared = spec.type === 'benchmark' ? spec.dimensions ?? spec.initial?.length : undefined;
    if (declared !== undefined && declared > maxNamedParameters) return { runId: run.id, ...parameterCount(declared), names: null };
    const { dimension, names } = await options.objectiveService.parameterNames(run.tenantId, spec, maxNamedParameters);
    return { runId: run.id, ...parameterCount(dimension), names };
  });
}
