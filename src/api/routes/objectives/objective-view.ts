/** What clients see of an objective: its definition, variables, dimension and gradient check. */
import { z } from 'zod';
import { toGradientCheckView } from '../../../contracts/gradient-check-view.ts';
import { checkGradient, objectiveSpecSchema, type Objective } from '../../../core/objectives/index.ts';

const maybeNumber = z.number().nullable();

/** Starting points longer than this are left out of check answers. */
export const maxShownDimension = 1000;

export const gradientCheckSchema = z
  .object({
    passed: z.boolean().describe('Every checked coordinate agrees with central finite differences.'),
    value: maybeNumber.describe('f at the point checked (the starting point).'),
    step: z.number().describe('Relative finite-difference step h.'),
    tolerance: z.number(),
    maxAbsoluteError: maybeNumber,
    maxRelativeError: maybeNumber,
    coordinates: z.array(z.object({
      index: z.number().int(),
      variable: z.string(),
      analytic: maybeNumber,
      numeric: maybeNumber,
      absoluteError: maybeNumber,
      relativeError: maybeNumber,
      passed: z.boolean(),
    })).describe('The coordinates checked: all of them up to 100 dimensions, else a seeded sample of 100.'),
  })
  .meta({ id: 'GradientCheck' });

export type GradientCheckView = z.output<typeof gradientCheckSchema>;

/** The gradient check at the objective's starting point. */
export function gradientCheckAtStart(objective: Objective): GradientCheckView {
  return toGradientCheckView(checkGradient(objective, Float64Array.from(objective.initial)), objective.variables);
}

export const objectiveRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional().describe('A name to recognise the objective by.'),
    objective: objectiveSpecSchema.describe('The objective: expression, benchmark, or model on data.'),
  })
  .meta({ id: 'ObjectiveRequest' });

export const objectiveCheckSchema = z
  .object({
    variables: z.array(z.string()).describe('Parameter names, in parameter-vector order.'),
    dimension: z.number().int().describe('Length of the parameter vector.'),
    initial: z.array(z.number()).nullable().describe(`The starting point runs begin from (null above ${maxShownDimension} dimensions).`),
    gradientCheck: gradientCheckSchema,
  })
  .meta({ id: 'ObjectiveCheck' });

export const objectiveViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    createdAt: z.iso.datetime(),
    objective: objectiveSpecSchema,
    variables: z.array(z.string()),
    dimension: z.number().int(),
    gradientCheck: gradientCheckSchema.nullable(),
  })
  .meta({ id: 'Objective' });

export type ObjectiveView = z.output<typeof objectiveViewSchema>;

export const objectiveListSchema = z
  .object({
    objectives: z.array(objectiveViewSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'ObjectiveList' });
