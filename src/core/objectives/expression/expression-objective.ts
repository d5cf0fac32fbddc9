/**
 * An objective given as a formula over named variables: parsed, differentiated by reverse-mode
 * automatic differentiation and compiled to straight-line JavaScript.
 */
import type { Objective } from '../objective.ts';
import { compileTape, type CompiledExpression } from './compile.ts';
import { ExpressionError } from './expression-error.ts';
import { parseExpression } from './parser.ts';
import { buildTape } from './tape.ts';

export interface ExpressionDefinition {
  readonly expression: string;
  /** Parameter names, in parameter-vector order. */
  readonly variables: readonly string[];
  /** The starting point; zeros when absent. */
  readonly initial?: readonly number[];
}

/** Expressions compiled lately, at most (then the oldest is dropped). */
const rememberedExpressions = 256;
const compiled = new Map<string, CompiledExpression>();

/**
 * Parses and compiles; throws an ExpressionError naming the position of any problem. The
 * compiled functions keep no state, so an expression seen lately (a spec validated, then run; a
 * sweep's many short trials of one formula) is compiled once: its functions, shared, stay
 * optimised by the engine instead of starting cold in every run.
 */
export function compileExpression(expression: string, variables: readonly string[]): CompiledExpression {
  const key = JSON.stringify([expression, variables]);
  const known = compiled.get(key);
  if (known) return known;
  const { root } = parseExpression(expression, variables);
  const result = compileTape(buildTape(root, variables.length));
  if (compiled.size >= rememberedExpressions) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, result);
  return result;
}

/**
 * Builds the objective. The compiled functions keep all their state in locals, so they are the
 * objective's methods themselves: a caller's `objective.valueAndGradient(…)` call site sees the
 * generated function directly.
 */
export function createExpressionObjective(definition: ExpressionDefinition): Objective {
  const { value, valueAndGradient } = compileExpression(definition.expression, definition.variables);
  const dimension = definition.variables.length;
  const initial = startingPoint(definition);
  return { variables: [...definition.variables], dimension, initial, value, valueAndGradient };
}

/**
 * Why an objective cannot start at its initial point (value or a gradient entry not finite),
 * or null when it can. The compiled code is what the run will evaluate.
 */
export function nonFiniteAtStart(definition: ExpressionDefinition, compiled: CompiledExpression): string | null {
  const params = startingPoint(definition);
  const gradient = new Float64Array(params.length);
  const value = compiled.valueAndGradient(params, gradient);
  const where = definition.initial === undefined ? 'at the initial point (all zeros)' : 'at the initial point';
  if (!Number.isFinite(value)) return `the expression is ${value} ${where}`;
  const bad = gradient.findIndex((entry) => !Number.isFinite(entry));
  if (bad >= 0) return `the derivative with respect to '${definition.variables[bad]}' is ${gradient[bad]} ${where}`;
  return null;
}

function startingPoint(definition: ExpressionDefinition): Float64Array {
  const dimension = definition.variables.length;
  if (definition.initial === undefined) return new Float64Array(dimension);
  if (definition.initial.length !== dimension) {
    throw new ExpressionError(`initial has ${definition.initial.length} entries but there are ${dimension} variables`, null);
  }
  return Float64Array.from(definition.initial);
}
