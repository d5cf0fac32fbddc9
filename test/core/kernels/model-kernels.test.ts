/**
 * The dense model math on the SIMD kernels against the JavaScript loops: the same data and
 * parameters through both must give the same loss, gradient, validation figures and example
 * losses, bit for bit, for the mlp (every activation and output, with and without batch
 * normalization, widths that exercise every block and tail of the kernels) and for softmax.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import type { Dataset } from '../../../src/core/datasets/dataset.ts';
import { createModelObjective, type ResolvedModelObjectiveSpec } from '../../../src/core/objectives/models/index.ts';
import { allocateVector, copyToVector, isKernelVector } from '../../../src/core/kernels/index.ts';
import { firstDifference, onPath, type KernelPath } from './kernel-paths.ts';

function randomDataset(rows: number, columns: number, classes: number, seed: number): Dataset {
  const random = new Random(seed);
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i++) values[i] = random.normal();
  const targets = Float64Array.from({ length: rows }, () => Math.floor(random.next() * classes));
  const columnNames = Array.from({ length: columns }, (_, j) => `x${j + 1}`);
  return { rows, columns, features: { kind: 'dense', values }, targets, columnNames, targetName: 'y' };
}

interface Evaluation {
  readonly values: number[];
  readonly gradients: Float64Array[];
  readonly exampleLosses: Float64Array;
  readonly usedKernels: boolean;
}

/** Gradients on two batches and the full set, then validation and example losses. */
function evaluate(path: KernelPath, spec: ResolvedModelObjectiveSpec, batch: Int32Array): Evaluation {
  return onPath(path, () => {
    const objective = createModelObjective(spec);
    const params = copyToVector(objective.initial);
    for (let i = 0; i < params.length; i++) params[i] += 0.01 * Math.sin(i);
    const gradient = allocateVector(objective.dimension);
    const values: number[] = [];
    const gradients: Float64Array[] = [];
    for (const rows of [batch, batch.subarray(0, 7), null]) {
      if (rows) objective.selectBatch(rows, rows.length);
      else objective.selectBatch(null, 0);
      values.push(objective.valueAndGradient(params, gradient));
      gradients.push(Float64Array.from(gradient));
    }
    values.push(objective.validationLoss(params), objective.validationAccuracy?.(params) ?? NaN);
    const exampleLosses = new Float64Array(objective.trainingRows);
    objective.exampleLosses?.(params, exampleLosses);
    return { values, gradients, exampleLosses, usedKernels: isKernelVector(params) && isKernelVector(gradient) };
  });
}

function expectSameBits(spec: ResolvedModelObjectiveSpec): void {
  const batch = Int32Array.from({ length: 37 }, (_, i) => (i * 17) % 250);
  const scalar = evaluate('javascript', spec, batch);
  const simd = evaluate('webassembly', spec, batch);
  expect(simd.usedKernels).toBe(true);
  expect(scalar.usedKernels).toBe(false);
  expect(firstDifference(simd.values, scalar.values)).toBe(-1);
  simd.gradients.forEach((gradient, k) => expect(firstDifference(gradient, scalar.gradients[k])).toBe(-1));
  expect(firstDifference(simd.exampleLosses, scalar.exampleLosses)).toBe(-1);
}

describe('model kernels: SIMD and JavaScript agree bit for bit', () => {
  const data = randomDataset(300, 21, 3, 1);
  const validation = randomDataset(40, 21, 3, 2);
  const base = { type: 'model', data, validation, validationSplit: 0, l2: 0.01, seed: 5 } as const;

  for (const activation of ['relu', 'tanh', 'sigmoid'] as const) {
    for (const batchNormalization of [false, true]) {
      it(`mlp, ${activation}${batchNormalization ? ', batch normalization' : ''}, hidden [19, 8, 3]`, () => {
        expectSameBits({ ...base, model: 'mlp', hidden: [19, 8, 3], activation, batchNormalization });
      });
    }
  }

  for (const output of ['linear', 'logistic'] as const) {
    it(`mlp with a ${output} output, hidden [17]`, () => {
      const binary = { ...data, targets: data.targets.map((y) => (y > 0 ? 1 : 0)) };
      expectSameBits({ ...base, model: 'mlp', data: binary, validation: undefined, validationSplit: 0.2, hidden: [17], output });
    });
  }

  for (const classes of [2, 3, 9, 10]) {
    it(`softmax, ${classes} classes`, () => {
      const labelled = randomDataset(300, 21, classes, classes);
      expectSameBits({ ...base, model: 'softmax', data: labelled, validation: undefined, validationSplit: 0.1, classes });
    });
  }
});
