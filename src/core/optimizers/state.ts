/**
 * Saving and restoring optimizer state as plain JSON. Float64 values survive JSON text exactly,
 * so a restored optimizer continues bit for bit.
 */
import type { OptimizerState } from './optimizer.ts';

/** Copies named vectors (and scalars) into a plain object. */
export function saveState(
  vectors: Readonly<Record<string, Float64Array>>,
  scalars: Readonly<Record<string, number>> = {},
): OptimizerState {
  const state: OptimizerState = {};
  for (const [name, vector] of Object.entries(vectors)) state[name] = Array.from(vector);
  for (const [name, value] of Object.entries(scalars)) state[name] = value;
  return state;
}

/** Copies saved vectors back into the optimizer's preallocated arrays, checking their shape. */
export function restoreVectors(state: OptimizerState, vectors: Readonly<Record<string, Float64Array>>): void {
  for (const [name, vector] of Object.entries(vectors)) {
    const saved = state[name];
    if (!Array.isArray(saved) || saved.length !== vector.length) {
      throw new Error(`Optimizer state '${name}' must be an array of ${vector.length} numbers.`);
    }
    for (let i = 0; i < saved.length; i++) {
      if (typeof saved[i] !== 'number') throw new Error(`Optimizer state '${name}[${i}]' is not a number.`);
    }
    vector.set(saved);
  }
}

/** Reads a saved scalar. */
export function restoreScalar(state: OptimizerState, name: string): number {
  const saved = state[name];
  if (typeof saved !== 'number') throw new Error(`Optimizer state '${name}' must be a number.`);
  return saved;
}
