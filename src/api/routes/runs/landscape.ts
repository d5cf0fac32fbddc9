/**
 * GET /v1/runs/{id}/landscape: the objective of a two-parameter run evaluated on a grid, for
 * contour plots under the run's trajectory.
 *
 * Without `xRange`/`yRange` the grid frames the start, the recorded trajectory (its first
 * `trajectoryRowLimit` recorded steps), the final parameters and the known minimum, with a
 * margin on every side (the grid and its frame: src/core/objectives/landscape.ts). `values[j][i]` is f(x[i], y[j]); a value
 * that is not finite is null.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateGrid, finitePair, frame, isDataObjective, type Objective } from '../../../core/objectives/index.ts';
import type { MetricsQuery } from '../../../db/metrics-query.ts';
import type { Run } from '../../../db/runs.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { buildObjective, runObjectiveSpec, unprocessable, type RunObjectiveSources } from './run-objective.ts';
import type { RunService } from './run-service.ts';
import { largestStep } from '../../../contracts/metric-fields.ts';

const maxLandscapeResolution = 200;
/** Objective evaluations × training rows one request may cost (model objectives on data). */
const maxLandscapeWork = 40_000_000;
const trajectoryRowLimit = 10_000;

const rangeSchema = z
  .string()
  .transform((text, context) => {
    const parts = text.split(',').map((part) => Number(part.trim()));
    // The width must be finite too: the grid's points are low + width × i / (resolution − 1).
    if (parts.length !== 2 || parts.some((part) => !Number.isFinite(part)) || !(parts[0]! < parts[1]!) || !Number.isFinite(parts[1]! - parts[0]!)) {
      context.addIssue({ code: 'custom', message: 'Write the range as `low,high` with finite numbers, low < high and a finite width.' });
      return z.NEVER;
    }
    return parts as [number, number];
  });

const querySchema = z.strictObject({
  resolution: z.coerce.number().int().min(2).max(maxLandscapeResolution).default(60)
    .describe(`Grid points along each axis (at most ${maxLandscapeResolution}).`),
  xRange: rangeSchema.optional().describe('`low,high` of the first parameter; default: frames the trajectory.'),
  yRange: rangeSchema.optional().describe('`low,high` of the second parameter; default: frames the trajectory.'),
});

const pairSchema = z.tuple([z.number(), z.number()]);

const landscapeSchema = z
  .object({
    runId: z.uuid().describe('The run id.'),
    variables: z.tuple([z.string(), z.string()]).describe('The two parameter names: x, then y.'),
    resolution: z.number().int().describe('Grid points along each axis.'),
    xRange: pairSchema.describe('`low, high` of the first parameter.'),
    yRange: pairSchema.describe('`low, high` of the second parameter.'),
    x: z.array(z.number()).describe('Grid abscissae, low to high.'),
    y: z.array(z.number()).describe('Grid ordinates, low to high.'),
    values: z.array(z.array(z.number().nullable())).describe('`values[j][i]` = f(x[i], y[j]); null where not finite.'),
    valueRange: z
      .object({ min: z.number().nullable().describe('The smallest finite value.'), max: z.number().nullable().describe('The largest finite value.') })
      .describe('The range of the finite values on the grid.'),
    start: pairSchema.describe('The starting point.'),
    final: pairSchema.nullable().describe('The final parameters, once the run has a result.'),
    minimum: z.object({ value: z.number().describe('f at the minimum.'), params: pairSchema.nullable().describe('Where it is, when a single point.') }).nullable()
      .describe('The known minimum, where the objective documents one.'),
  })
  .meta({ id: 'Landscape', description: "A two-parameter run's objective on a grid, with the run's start and end." });

type Landscape = z.output<typeof landscapeSchema>;

export interface LandscapeRouteOptions extends RunObjectiveSources {
  readonly runService: RunService;
  readonly metricsQuery: MetricsQuery;
}


const notTwoDimensional = (count: number, names?: readonly string[]) =>
  unprocessable('landscape_not_two_dimensional', 'The objective is not two-dimensional',
    `The run's objective has ${count} parameter${count === 1 ? '' : 's'}${names && count <= 5 ? ` (${names.join(', ')})` : ''}; a landscape needs exactly 2.`);

export async function runLandscapeRoutes(app: FastifyInstance, options: LandscapeRouteOptions): Promise<void> {
  const { runService, metricsQuery } = options;

  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/landscape', {
    schema: {
      summary: "A two-parameter run's objective on a grid",
      description: 'Evaluates the objective on a `resolution` × `resolution` grid (by default framing the start, the '
        + 'trajectory, the final parameters and the known minimum) for contour plots. 422 for objectives that do not have exactly two parameters.',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: querySchema,
      response: { 200: landscapeSchema, ...problemResponses(400, 401, 404, 422, 429) },
    },
  }, async (request, reply) => {
    const tenantId = principalOf(request).tenantId;
    const run = await runService.get(tenantId, request.params.id);
    const objective = await buildRunObjective(options, run);
    const { resolution } = request.query;
    const points = await framedPoints(metricsQuery, run, objective);
    const xRange = request.query.xRange ?? frame(points.map((point) => point[0]));
    const yRange = request.query.yRange ?? frame(points.map((point) => point[1]));
    if (isDataObjective(objective) && objective.trainingRows * resolution * resolution > maxLandscapeWork) {
      throw unprocessable('landscape_too_expensive', 'The landscape is too expensive',
        `A ${resolution}² grid over ${objective.trainingRows} training rows exceeds the limit of ${maxLandscapeWork} row evaluations; lower \`resolution\`.`,
        'resolution');
    }
    // The grid depends only on the spec and the query while the run is final; cache it then.
    if (run.result !== null) reply.header('cache-control', 'private, max-age=3600');
    return evaluateLandscape(run, objective, resolution, xRange, yRange);
  });
}

/** The run's objective, its stored definition and data resolved; 422 unless it has two parameters. */
async function buildRunObjective(sources: LandscapeRouteOptions, run: Run): Promise<Objective> {
  const spec = await runObjectiveSpec(sources, run);
  // Cheap checks first, so a 10⁶-dimensional benchmark is refused without being built.
  if (spec.type === 'expression' && spec.variables.length !== 2) throw notTwoDimensional(spec.variables.length, spec.variables);
  if (spec.type === 'benchmark' && spec.dimensions !== undefined && spec.dimensions !== 2) throw notTwoDimensional(spec.dimensions);
  const objective = await buildObjective(sources, run, spec);
  if (objective.dimension !== 2) throw notTwoDimensional(objective.dimension, objective.variables);
  return objective;
}

/** Start, recorded trajectory, final parameters and known minimum: what the default grid frames. */
async function framedPoints(metricsQuery: MetricsQuery, run: Run, objective: Objective): Promise<[number, number][]> {
  const points: [number, number][] = [[objective.initial[0]!, objective.initial[1]!]];
  const rows = await metricsQuery.rows(run.id, { fields: ['params'], from: 1, to: largestStep, afterStep: 0, limit: trajectoryRowLimit });
  for (const row of rows) {
    const pair = finitePair(row.params);
    if (pair) points.push(pair);
  }
  const final = finitePair((run.result as { params?: number[] | null } | null)?.params);
  if (final) points.push(final);
  const minimum = finitePair(objective.minimum?.params);
  if (minimum) points.push(minimum);
  return points;
}

function evaluateLandscape(run: Run, objective: Objective, resolution: number, xRange: [number, number], yRange: [number, number]): Landscape {
  const minimum = objective.minimum;
  return {
    runId: run.id,
    variables: [objective.variables[0]!, objective.variables[1]!],
    resolution,
    xRange,
    yRange,
    ...evaluateGrid(objective, resolution, xRange, yRange),
    start: [objective.initial[0]!, objective.initial[1]!],
    final: finitePair((run.result as { params?: number[] | null } | null)?.params),
    minimum: minimum && Number.isFinite(minimum.value) ? { value: minimum.value, params: finitePair(minimum.params) } : null,
  };
}
