/**
 * A run's landscape (GET /v1/runs/{id}/landscape) worked out where it cannot hold the API's
 * event loop: building a model on its data and evaluating it on the grid. A linear model on 10⁶
 * rows of one feature took 0.13 s to build and 0.38 s for a grid at the work limit below, on
 * the event loop before. The grid frames the start, the recorded trajectory, the final
 * parameters and the known minimum unless ranges are given.
 */
import { evaluateGrid, finitePair, frame, isDataObjective, type Objective, type ResolvedObjectiveSpec } from '../../core/objectives/index.ts';
import type { LandscapeGrid } from '../../core/objectives/landscape.ts';
import { AppError } from '../errors/app-error.ts';
import { createObjectiveForRequest } from '../routes/objectives/build-objective.ts';
import type { ErrorCode } from '../errors/error-catalogue.ts';

/** Objective evaluations × training rows one request may cost (model objectives on data). */
const maxLandscapeWork = 40_000_000;

const unprocessable = (code: ErrorCode, title: string, detail: string, path: string) =>
  new AppError(422, code, title, { detail, errors: [{ path, message: detail, code }] });

export const notTwoDimensional = (count: number, names?: readonly string[]) =>
  unprocessable('landscape_not_two_dimensional', 'The objective is not two-dimensional',
    `The run's objective has ${count} parameter${count === 1 ? '' : 's'}${names && count <= 5 ? ` (${names.join(', ')})` : ''}; a landscape needs exactly 2.`,
    'objective');

export interface LandscapeRequest {
  readonly spec: ResolvedObjectiveSpec;
  readonly resolution: number;
  readonly xRange?: [number, number];
  readonly yRange?: [number, number];
  /** The recorded trajectory's points (the default frame holds them). */
  readonly trajectory: readonly [number, number][];
  /** The final parameters, once the run has a result. */
  readonly final: [number, number] | null;
}

export interface Landscape extends LandscapeGrid {
  readonly variables: [string, string];
  readonly resolution: number;
  readonly xRange: [number, number];
  readonly yRange: [number, number];
  readonly start: [number, number];
  readonly minimum: { readonly value: number; readonly params: [number, number] | null } | null;
}

function twoDimensional(spec: ResolvedObjectiveSpec): Objective {
  const objective = createObjectiveForRequest(spec, 'objective');
  if (objective.dimension !== 2) throw notTwoDimensional(objective.dimension, objective.variables);
  return objective;
}

export function computeLandscape({ spec, resolution, trajectory, final, ...ranges }: LandscapeRequest): Landscape {
  const objective = twoDimensional(spec);
  const start: [number, number] = [objective.initial[0]!, objective.initial[1]!];
  const minimum = objective.minimum;
  const knownMinimum = finitePair(minimum?.params);
  const points = [start, ...trajectory, ...(final ? [final] : []), ...(knownMinimum ? [knownMinimum] : [])];
  const xRange = ranges.xRange ?? frame(points.map((point) => point[0]));
  const yRange = ranges.yRange ?? frame(points.map((point) => point[1]));
  if (isDataObjective(objective) && objective.trainingRows * resolution * resolution > maxLandscapeWork) {
    throw unprocessable('landscape_too_expensive', 'The landscape is too expensive',
      `A ${resolution}² grid over ${objective.trainingRows} training rows exceeds the limit of ${maxLandscapeWork} row evaluations; lower \`resolution\`.`,
      'resolution');
  }
  return {
    variables: [objective.variables[0]!, objective.variables[1]!],
    resolution,
    xRange,
    yRange,
    ...evaluateGrid(objective, resolution, xRange, yRange),
    start,
    minimum: minimum && Number.isFinite(minimum.value) ? { value: minimum.value, params: knownMinimum } : null,
  };
}
