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
import { finitePair, type ObjectiveSpec } from '../../../core/objectives/index.ts';
import type { MetricsQuery } from '../../../db/metrics-query.ts';
import type { Run } from '../../../db/runs.ts';
import { problemResponses } from '../../errors/problem.ts';
import { notTwoDimensional } from '../../objective-thread/landscape-grid.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { ObjectiveService } from '../objectives/objective-service.ts';
import { runObjectiveSpec, type RunObjectiveSources } from './run-objective.ts';
import type { RunService } from './run-service.ts';
import { largestStep } from '../../../contracts/metric-fields.ts';
import { queryInteger } from '../query-integer.ts';
import { decimalNumber } from '../../../contracts/decimal-numbers.ts';

const maxLandscapeResolution = 200;
const trajectoryRowLimit = 10_000;

const rangeSchema = z
  .string()
  .transform((text, context) => {
    const sides = text.split(',');
    const fail = (why: string) => {
      context.addIssue({ code: 'custom', message: `Write the range as \`low,high\`, two decimal numbers with low < high: ${why}.` });
      return z.NEVER;
    };
    if (sides.length !== 2) return fail(`${JSON.stringify(text)} has ${sides.length} part${sides.length === 1 ? '' : 's'}`);
    for (const side of sides) {
      if (side.trim() === '') return fail(`${JSON.stringify(text)} has an empty side`);
      if (Number.isNaN(decimalNumber(side.trim()))) return fail(`${JSON.stringify(side.trim())} is not a decimal number`);
    }
    const [low, high] = sides.map((side) => decimalNumber(side.trim())) as [number, number];
    if (!Number.isFinite(low) || !Number.isFinite(high)) return fail(`${JSON.stringify(text)} is beyond the range of a double`);
    if (!(low < high)) return fail(`${low} is not below ${high}`);
    // The width must be finite too: the grid's points are low + width × i / (resolution − 1).
    if (!Number.isFinite(high - low)) return fail(`the width from ${low} to ${high} is beyond the range of a double`);
    return [low, high] as [number, number];
  });

const querySchema = z.strictObject({
  resolution: queryInteger('resolution', { min: 2, max: maxLandscapeResolution }, 60)
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

export interface LandscapeRouteOptions extends RunObjectiveSources {
  readonly runService: RunService;
  readonly metricsQuery: MetricsQuery;
  /** Builds the objective and evaluates the grid off the event loop (a model on a large dataset takes a good part of a second). */
  readonly objectiveService: Pick<ObjectiveService, 'landscape'>;
}

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
    const spec = await twoDimensionalSpec(options, run);
    const { resolution, xRange, yRange } = request.query;
    const landscape = await options.objectiveService.landscape(tenantId, spec, {
      resolution,
      ...(xRange ? { xRange } : {}),
      ...(yRange ? { yRange } : {}),
      trajectory: xRange && yRange ? [] : await trajectory(metricsQuery, run),
      final: finalParams(run),
    });
    // The grid depends only on the spec and the query while the run is final; cache it then.
    if (run.result !== null) reply.header('cache-control', 'private, max-age=3600');
    return { runId: run.id, ...landscape, final: finalParams(run) };
  });
}

/** The run's objective spec, its stored definition in place of a reference; 422 at once for one that says it is not two-dimensional. */
async function twoDimensionalSpec(sources: LandscapeRouteOptions, run: Run): Promise<ObjectiveSpec> {
  const spec = await runObjectiveSpec(sources, run);
  // Cheap checks first, so a 10⁶-dimensional benchmark is refused without being built.
  if (spec.type === 'expression' && spec.variables.length !== 2) throw notTwoDimensional(spec.variables.length, spec.variables);
  if (spec.type === 'benchmark' && spec.dimensions !== undefined && spec.dimensions !== 2) throw notTwoDimensional(spec.dimensions);
  return spec;
}

/** The recorded trajectory (its first `trajectoryRowLimit` recorded steps), which the default grid frames. */
async function trajectory(metricsQuery: MetricsQuery, run: Run): Promise<[number, number][]> {
  const rows = await metricsQuery.rows(run.id, { fields: ['params'], from: 1, to: largestStep, afterStep: 0, limit: trajectoryRowLimit });
  return rows.flatMap((row) => {
    const pair = finitePair(row.params);
    return pair ? [pair] : [];
  });
}

const finalParams = (run: Run) => finitePair((run.result as { params?: number[] | null } | null)?.params);
