/**
 * The objective part of a run spec, as zod schemas shared by the API, the worker and the CLI.
 * Validation goes as far as parsing the expression, compiling it and evaluating it at the
 * initial point, so that every problem is reported up front at its path, with the column.
 */
import { z } from 'zod';
import { benchmarkNames, benchmarks, maxBenchmarkDimensions, resolveDimensions } from './benchmarks/index.ts';
import { ExpressionError } from './expression/expression-error.ts';
import { compileExpression, nonFiniteAtStart } from './expression/expression-objective.ts';
import { expressionLimits } from './expression/limits.ts';
import { variableProblems } from './expression/parser.ts';
import { modelObjectiveSpecSchema } from './models/index.ts';

/** Bound checks stop there, so that the cross-field checks below only see in-bound values. */
const abort = { abort: true } as const;

/** The largest condition number the quadratic accepts (beyond it float64 curvatures lose meaning). */
const maxConditionNumber = 1e12;

export const expressionObjectiveSpecSchema = z
  .strictObject({
    type: z.literal('expression'),
    expression: z
      .string()
      .min(1, abort)
      .max(expressionLimits.maxLength, abort)
      .describe('Formula over the variables: + - * / ^, parentheses, numbers, pi, e and functions such as exp, log, sqrt, sigmoid, min, max, pow.'),
    variables: z
      .array(z.string())
      .min(1, abort)
      .max(expressionLimits.maxVariables, abort)
      .describe('Variable names, in parameter-vector order.'),
    initial: z
      .array(z.number())
      .max(expressionLimits.maxVariables, abort)
      .optional()
      .describe('Starting point, one entry per variable (default: zeros).'),
  })
  .superRefine(
    (spec, context) => {
      // Runs even when another field failed (say an `initial` entry that is not a number), so
      // that one answer names every bad field: the fields it reads are checked here first.
      const variableIssues = variableProblems(spec.variables);
      for (const { index, message } of variableIssues) {
        context.addIssue({ code: 'custom', path: index === null ? ['variables'] : ['variables', index], message });
      }
      const initial: unknown = spec.initial;
      const initialUsable = initial === undefined || (Array.isArray(initial) && initial.every((value) => typeof value === 'number'));
      const lengthMismatch = Array.isArray(initial) && initial.length !== spec.variables.length;
      if (lengthMismatch) {
        context.addIssue({
          code: 'custom',
          path: ['initial'],
          message: `initial has ${initial.length} entries but there are ${spec.variables.length} variables`,
        });
      }
      if (variableIssues.length > 0) return;
      let compiled;
      try {
        compiled = compileExpression(spec.expression, spec.variables);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        context.addIssue({ code: 'custom', path: ['expression'], message: error.message });
        return;
      }
      if (!initialUsable || lengthMismatch) return;
      const problem = nonFiniteAtStart(spec, compiled);
      if (problem) context.addIssue({ code: 'custom', path: [spec.initial ? 'initial' : 'expression'], message: problem });
    },
    { when: ({ value }) => expressionAndVariablesReadable(value) },
  );

/** Whether `expression` and `variables` passed their own checks, whatever else failed. */
function expressionAndVariablesReadable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { expression, variables } = value as { expression?: unknown; variables?: unknown };
  return (
    typeof expression === 'string' &&
    expression.length >= 1 &&
    expression.length <= expressionLimits.maxLength &&
    Array.isArray(variables) &&
    variables.length >= 1 &&
    variables.length <= expressionLimits.maxVariables &&
    variables.every((name) => typeof name === 'string')
  );
}

export const benchmarkObjectiveSpecSchema = z
  .strictObject({
    type: z.literal('benchmark'),
    name: z.enum(benchmarkNames).describe('Which benchmark function.'),
    dimensions: z
      .number()
      .int(abort)
      .min(1, abort)
      .max(maxBenchmarkDimensions, abort)
      .optional()
      .describe('Number of variables for n-dimensional functions (default: the length of initial, else 2).'),
    initial: z
      .array(z.number())
      .min(1, abort)
      .max(maxBenchmarkDimensions, abort)
      .optional()
      .describe("Starting point (default: the function's standard start)."),
    conditionNumber: z
      .number()
      .min(1, abort)
      .max(maxConditionNumber, abort)
      .optional()
      .describe('Ratio of the largest to the smallest curvature (quadratic only, default 100).'),
  })
  .superRefine((spec, context) => {
    const definition = benchmarks[spec.name];
    const { problem } = resolveDimensions(definition, spec.dimensions, spec.initial);
    if (problem) context.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    if (spec.conditionNumber !== undefined && !definition.conditioned) {
      context.addIssue({ code: 'custom', path: ['conditionNumber'], message: `${spec.name} does not take a conditionNumber` });
    }
  });

export const objectiveSpecSchema = z.discriminatedUnion('type', [
  expressionObjectiveSpecSchema,
  benchmarkObjectiveSpecSchema,
  modelObjectiveSpecSchema,
]);

export type BenchmarkObjectiveSpec = z.output<typeof benchmarkObjectiveSpecSchema>;
export type ObjectiveSpec = z.output<typeof objectiveSpecSchema>;
