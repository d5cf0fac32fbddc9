/**
 * Compiles a tape into straight-line JavaScript: one `const` local per instruction for the
 * forward pass and one `let` local per adjoint for the reverse pass, gradient entries written
 * once at the end. No arrays, no allocation, no calls but Math's.
 *
 * Safety: the source is assembled only from this module's fixed text, the operation templates
 * of operations.ts, local names made of a letter and an instruction number, and numbers printed
 * by `formatNumber` from parsed doubles. Variables are array indices; user text never reaches it.
 */
import type { ExpressionFunctions } from './interpret.ts';
import type { Tape } from './tape.ts';

export interface CompiledExpression extends ExpressionFunctions {
  /** The generated function bodies, for inspection and tests. */
  readonly source: { readonly value: string; readonly valueAndGradient: string };
}

export function compileTape(tape: Tape): CompiledExpression {
  const source = generateSource(tape);
  // Both bodies are built from fixed text only (see the module comment).
  const value = new Function('p', source.value) as ExpressionFunctions['value'];
  const valueAndGradient = new Function('p', 'g', source.valueAndGradient) as ExpressionFunctions['valueAndGradient'];
  return { value, valueAndGradient, source };
}

function generateSource(tape: Tape): { value: string; valueAndGradient: string } {
  const { instructions, result, dimension } = tape;
  const operand = (index: number) => {
    const instruction = instructions[index];
    return instruction.kind === 'constant' ? formatNumber(instruction.value) : `v${index}`;
  };

  const forward: string[] = ['"use strict";'];
  for (let i = 0; i <= result; i++) {
    const instruction = instructions[i];
    if (instruction.kind === 'variable') forward.push(`const v${i} = p[${instruction.index}];`);
    else if (instruction.kind === 'apply') {
      const [x, y] = instruction.operands.map(operand);
      forward.push(`const v${i} = ${instruction.operation.value(x, y ?? '', '')};`);
    }
  }
  const resultText = operand(result);

  const backward: string[] = [];
  const declared = new Set<number>();
  const gradient = new Array<string>(dimension).fill('0');
  const accumulate = (target: number, contribution: string) => {
    if (instructions[target].kind === 'constant') return;
    if (declared.has(target)) backward.push(`a${target} += ${contribution};`);
    else {
      backward.push(`let a${target} = ${contribution};`);
      declared.add(target);
    }
  };
  accumulate(result, '1');
  for (let i = result; i >= 0; i--) {
    const instruction = instructions[i];
    if (!declared.has(i)) continue;
    if (instruction.kind === 'variable') gradient[instruction.index] = `a${i}`;
    if (instruction.kind !== 'apply') continue;
    const [x, y] = instruction.operands.map(operand);
    instruction.operands.forEach((target, k) => {
      const partial = instruction.operation.partials[k](x, y ?? '', `v${i}`);
      // x·1 and x·(−1) are exact in IEEE arithmetic, so these shortcuts keep bit-for-bit parity.
      const contribution = partial === '1' ? `a${i}` : partial === '-1' ? `-a${i}` : `a${i} * (${partial})`;
      accumulate(target, contribution);
    });
  }
  const writes = gradient.map((entry, index) => `g[${index}] = ${entry};`);

  return {
    value: [...forward, `return ${resultText};`].join('\n'),
    valueAndGradient: [...forward, ...backward, ...writes, `return ${resultText};`].join('\n'),
  };
}

const decimal = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;

/** A double as JavaScript source that reads back as the same double, -0 and non-finite included. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '(-Infinity)';
  if (Object.is(value, -0)) return '(-0)';
  const text = String(value);
  if (!decimal.test(text)) throw new Error(`formatNumber: unexpected number text ${text}`);
  return value < 0 ? `(${text})` : text;
}
