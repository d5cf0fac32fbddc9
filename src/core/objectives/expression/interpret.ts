/**
 * The plain path: evaluates a tape instruction by instruction and runs reverse-mode automatic
 * differentiation over it. The compiled path must agree with it bit for bit (parity tests);
 * this one is easy to read and needs no code generation.
 *
 * Reverse mode: with v̄ᵢ = ∂f/∂vᵢ (the adjoint), v̄_result = 1 and, walking the tape backwards,
 * every operand u of vᵢ = op(…, u, …) receives v̄_u += v̄ᵢ · ∂op/∂u. The adjoint of a variable is
 * its gradient entry. The first contribution is assigned rather than added to 0, exactly as the
 * compiled code does, so that signed zeros agree too.
 */
import type { Tape } from './tape.ts';

export interface ExpressionFunctions {
  /** f(θ). */
  value(params: Float64Array): number;
  /** f(θ); writes ∇f(θ) into `gradient`. */
  valueAndGradient(params: Float64Array, gradient: Float64Array): number;
}

export function interpretTape(tape: Tape): ExpressionFunctions {
  const { instructions, result } = tape;
  const values = new Float64Array(instructions.length);
  const adjoints = new Float64Array(instructions.length);
  const touched = new Uint8Array(instructions.length);

  const forward = (params: Float64Array): number => {
    for (let i = 0; i < instructions.length; i++) {
      const instruction = instructions[i];
      if (instruction.kind === 'constant') values[i] = instruction.value;
      else if (instruction.kind === 'variable') values[i] = params[instruction.index];
      else {
        const [x, y] = instruction.operands;
        values[i] = instruction.operation.evaluate(values[x], y === undefined ? 0 : values[y]);
      }
    }
    return values[result];
  };

  const accumulate = (target: number, contribution: number) => {
    if (instructions[target].kind === 'constant') return;
    if (touched[target]) adjoints[target] += contribution;
    else {
      adjoints[target] = contribution;
      touched[target] = 1;
    }
  };

  return {
    value: forward,
    valueAndGradient(params, gradient) {
      const value = forward(params);
      touched.fill(0);
      gradient.fill(0);
      accumulate(result, 1);
      for (let i = result; i >= 0; i--) {
        const instruction = instructions[i];
        if (!touched[i]) continue;
        if (instruction.kind === 'variable') gradient[instruction.index] = adjoints[i];
        if (instruction.kind !== 'apply') continue;
        const [x, y] = instruction.operands;
        const xValue = values[x];
        const yValue = y === undefined ? 0 : values[y];
        instruction.operands.forEach((operand, k) => {
          accumulate(operand, adjoints[i] * instruction.operation.differentiate[k](xValue, yValue, values[i]));
        });
      }
      return value;
    },
  };
}
