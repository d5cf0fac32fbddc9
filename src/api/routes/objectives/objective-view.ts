/** What clients see of an objective: its definition, variables, dimensions and gradient check. */
import { z } from 'zod';
import { parameterCountFields } from '../../../contracts/parameter-count.ts';
import { toGradientCheckView } from '../../../contracts/gradient-check-view.ts';
import { checkGradient, evaluationCost, objectiveSpecSchema, type Objective } from '../../../core/objectives/index.ts';
import { maxRequestCheckWork } from './build-objective.ts';

const maybeNumber = z.number().nullable();

/** Starting points longer than this are left out of check answers. */
export const maxShownDimension = 1000;

const gradientCheckSchema = z
  .object({
    passed: z.boolean().describe('Every checked coordinate agrees with central finite differences.'),
    value: maybeNumber.describe('f at the point checked (the starting point).'),
    step: z.number().describe('Relative finite-difference step h.'),
    tolerance: z.number().describe('The largest relative error a coordinate may have and pass.'),
    maxAbsoluteError: maybeNumber.describe('The largest |analytic − numeric| over the coordinates checked.'),
    maxRelativeError: maybeNumber.describe('The largest relative error over the coordinates checked.'),
    coordinates: z.array(z.object({
      index: z.number().int().describe('Position in the parameter vector.'),
      variable: z.string().describe('The parameter\'s name.'),
      analytic: maybeNumber.describe('The analytic partial derivative.'),
      numeric: maybeNumber.describe('The central finite difference.'),
      absoluteError: maybeNumber.describe('|analytic − numeric|.'),
      relativeError: maybeNumber.describe('The error relative to the larger magnitude of the two.'),
      passed: z.boolean().describe('Within the tolerance.'),
    })).describe('The coordinates checked: all of them up to 100 dimensions, else a seeded sample of 100; fewer (at least one) when one evaluation of the objective is costly, so that a check stays within about 2·10⁷ units of work.'),
  })
  .meta({ id: 'GradientCheck', description: 'The analytic gradient against central finite differences at the starting point.' });

export type GradientCheckView = z.output<typeof gradientCheckSchema>;

/** Coordinates a check samples at most. */
const maxCheckedCoordinates = 100;

/**
 * Work a gradient check may cost at most, in the objective thread: the analytic gradient (about
 * three evaluations) and one coordinate (two more). Beyond it no check is made, and the answer
 * says why: a model on a large dataset would hold the thread, and every submission behind it,
 * for minutes.
 */
const maxGradientCheckWork = 50 * maxRequestCheckWork;

/** Why an objective's gradient is not checked, or null when it is. */
export function uncheckedGradient(objective: Objective): string | null {
  const cost = evaluationCost(objective);
  if (5 * cost <= maxGradientCheckWork) return null;
  return `One evaluation of the objective costs about ${cost.toExponential(1)} units of work (parameters × training rows); `
    + `a gradient check costs five, more than the ${maxGradientCheckWork.toExponential(0)} a request may spend. A run checks its start in the worker.`;
}

/**
 * The gradient check at the objective's starting point (call it when uncheckedGradient is null).
 * Each coordinate costs two evaluations: an objective whose evaluations are costly gets fewer
 * coordinates (at least one), so the check stays within a request's budget of work.
 */
export function gradientCheckAtStart(objective: Objective): GradientCheckView {
  const affordable = Math.floor(maxRequestCheckWork / (2 * Math.max(1, evaluationCost(objective))));
  const maxCoordinates = Math.max(1, Math.min(maxCheckedCoordinates, affordable));
  return toGradientCheckView(checkGradient(objective, Float64Array.from(objective.initial), { maxCoordinates }), objective.variables);
}

export const objectiveRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional().describe('A name to recognise the objective by.'),
    objective: objectiveSpecSchema.describe('The objective: expression, benchmark, or model on data.'),
  })
  .meta({ id: 'ObjectiveRequest', description: 'An objective to store (or check), with an optional name.' });

export const objectiveCheckSchema = z
  .object({
    variables: z.array(z.string()).nullable().describe(`Parameter names, in parameter-vector order (null above ${maxShownDimension} dimensions).`),
    ...parameterCountFields,
    initial: z.array(z.number()).nullable().describe(`The starting point runs begin from (null above ${maxShownDimension} dimensions).`),
    gradientCheck: gradientCheckSchema.nullable().describe('The gradient check; null when it would cost more than a request may spend (see `gradientCheckSkipped`).'),
    gradientCheckSkipped: z.string().nullable().describe('Why the gradient was not checked; null when it was.'),
  })
  .meta({ id: 'ObjectiveCheck', description: "An objective's parameters and its gradient check, nothing stored." });

export const objectiveViewSchema = z
  .object({
    id: z.uuid().describe('The objective id: a run spec names it as {"id": …}.'),
    name: z.string().nullable().describe('Its name, if it was given one.'),
    createdAt: z.iso.datetime().describe('When it was stored.'),
    objective: objectiveSpecSchema.describe('The objective as stored.'),
    variables: z.array(z.string()).describe('Parameter names, in parameter-vector order.'),
    ...parameterCountFields,
    gradientCheck: gradientCheckSchema.nullable().describe('The gradient check made when it was stored.'),
  })
  .meta({ id: 'Objective', description: 'A stored objective, which runs name by id.' });

export type ObjectiveView = z.output<typeof objectiveViewSchema>;

export const objectiveListSchema = z
  .object({
    objectives: z.array(objectiveViewSchema).describe('Stored objectives, newest first.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'ObjectiveList', description: 'A page of stored objectives.' });
