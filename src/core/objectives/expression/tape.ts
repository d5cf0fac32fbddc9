/**
 * Linearises a syntax tree into a tape: a list of instructions in evaluation order, each a
 * constant, a variable or an operation on earlier instructions. Building it
 *
 * - shares common subexpressions (structurally equal instructions appear once, so `(y - x^2)`
 *   used twice is computed once and its adjoint accumulated once),
 * - folds operations whose operands are all constants (with the same arithmetic as at run time),
 * - writes `x^n` for a constant integer 2 ≤ n ≤ 16 as multiplications by binary powering
 *   (x^2 = x·x is exactly Math.pow(x, 2); x^3 = (x·x)·x is within an ulp or two of it), so
 *   that x^2 and x^3 share x·x. Other exponents use Math.pow.
 *
 * The tree is walked with an explicit stack: a left-leaning sum of thousands of terms is as
 * deep as it is long, and must not recurse.
 */
import type { ExpressionNode } from './ast.ts';
import { operators, type OperationDefinition } from './operations.ts';

type Instruction =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'variable'; readonly index: number }
  | { readonly kind: 'apply'; readonly operation: OperationDefinition; readonly operands: readonly number[] };

export interface Tape {
  readonly instructions: readonly Instruction[];
  /** Index of the instruction whose value is the expression's value. */
  readonly result: number;
  /** Length of the parameter vector. */
  readonly dimension: number;
}

const maxExpandedExponent = 16;

export function buildTape(root: ExpressionNode, dimension: number): Tape {
  const builder = new TapeBuilder();
  const done = new Map<ExpressionNode, number>();
  const stack: ExpressionNode[] = [root];
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    if (node.kind !== 'apply') {
      done.set(node, node.kind === 'number' ? builder.constant(node.value) : builder.variable(node.index));
      stack.pop();
      continue;
    }
    const pending = node.operands.filter((operand) => !done.has(operand));
    if (pending.length > 0) {
      for (let k = pending.length - 1; k >= 0; k--) stack.push(pending[k]);
      continue;
    }
    done.set(node, builder.apply(node.operation, node.operands.map((operand) => done.get(operand)!)));
    stack.pop();
  }
  return { instructions: builder.instructions, result: done.get(root)!, dimension };
}

class TapeBuilder {
  readonly instructions: Instruction[] = [];
  private readonly known = new Map<string, number>();

  constant(value: number): number {
    // Object.is keeps 0 and -0 apart; String() would merge them.
    return this.add(`c${Object.is(value, -0) ? '-0' : String(value)}`, { kind: 'constant', value });
  }

  variable(index: number): number {
    return this.add(`v${index}`, { kind: 'variable', index });
  }

  apply(operation: OperationDefinition, operands: number[]): number {
    const values = operands.map((operand) => this.constantValue(operand));
    if (values.every((value) => value !== undefined)) {
      return this.constant(operation.evaluate(values[0]!, values[1] ?? 0));
    }
    if (operation === operators.power && Number.isInteger(values[1]) && values[1]! >= 2 && values[1]! <= maxExpandedExponent) {
      return this.integerPower(operands[0], values[1]!);
    }
    if (operation === operators.multiply && operands[0] === operands[1]) {
      return this.apply(operators.square, [operands[0]]);
    }
    return this.add(`${operation.name}(${operands.join(',')})`, { kind: 'apply', operation, operands });
  }

  /** x^n by binary powering: x^(2k) = (x^k)², x^(2k+1) = (x^k)²·x. */
  private integerPower(base: number, exponent: number): number {
    if (exponent === 1) return base;
    const half = this.integerPower(base, exponent >> 1);
    const squared = this.apply(operators.square, [half]);
    return exponent & 1 ? this.apply(operators.multiply, [squared, base]) : squared;
  }

  private constantValue(index: number): number | undefined {
    const instruction = this.instructions[index];
    return instruction.kind === 'constant' ? instruction.value : undefined;
  }

  private add(key: string, instruction: Instruction): number {
    const existing = this.known.get(key);
    if (existing !== undefined) return existing;
    this.instructions.push(instruction);
    this.known.set(key, this.instructions.length - 1);
    return this.instructions.length - 1;
  }
}
