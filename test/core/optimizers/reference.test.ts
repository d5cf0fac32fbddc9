/**
 * Every reference trajectory reproduced at kernel level: the paper cases with flavor "paper",
 * the torch cases with flavor "pytorch", compared per step by the reference README's rule. Each
 * runs twice: on the JavaScript loops and on the WebAssembly SIMD kernels (with θ, g and the
 * state in kernel memory).
 */
import { describe, expect, it } from 'vitest';
import { createOptimizer, optimizerConfigSchema, resolveOptimizerConfig } from '../../../src/core/optimizers/index.ts';
import {
  comparedSteps,
  firstDeviatingStep,
  isExcludedReferenceCase,
  loadReferenceCases,
  referenceOptimizerConfig,
  type ReferenceCase,
} from '../../support/reference.ts';
import { referenceObjectives } from './reference-objectives.ts';
import { driveStep } from './drive.ts';
import { allocateVector, copyToVector, isKernelVector } from '../../../src/core/kernels/index.ts';
import { kernelPaths, onPath, type KernelPath } from '../kernels/kernel-paths.ts';

/** Runs a case's optimizer the way the training loop does; returns θ and loss per step. */
function replay(referenceCase: ReferenceCase, path: KernelPath): { theta: Float64Array[]; loss: number[] } {
  return onPath(path, () => replayHere(referenceCase, path));
}

function replayHere(referenceCase: ReferenceCase, path: KernelPath): { theta: Float64Array[]; loss: number[] } {
  const objective = referenceObjectives[referenceCase.objective.name];
  const config = optimizerConfigSchema.parse(referenceOptimizerConfig(referenceCase));
  const { learningRate } = resolveOptimizerConfig(config);
  const dimension = referenceCase.theta0.length;
  const optimizer = createOptimizer(dimension, config);
  const params = copyToVector(referenceCase.theta0);
  const point = allocateVector(dimension);
  const gradient = allocateVector(dimension);
  expect(isKernelVector(params)).toBe(path === 'webassembly');
  const theta: Float64Array[] = [];
  const loss: number[] = [];
  for (let t = 1; t <= comparedSteps(referenceCase); t++) {
    loss.push(objective.value(params));
    driveStep(optimizer, objective, params, learningRate, t, point, gradient);
    theta.push(Float64Array.from(params));
  }
  return { theta, loss };
}

for (const [source, path] of (['paper', 'torch'] as const).flatMap((source) => kernelPaths.map((path) => [source, path] as const))) {
  describe(`reference trajectories: ${source}.json, ${path} kernels`, () => {
    const cases = loadReferenceCases(source);

    it('has cases for every objective', () => {
      expect(cases.length).toBeGreaterThanOrEqual(20);
      for (const referenceCase of cases) expect(referenceObjectives[referenceCase.objective.name]).toBeDefined();
    });

    for (const referenceCase of cases) {
      const run = isExcludedReferenceCase(referenceCase) ? it.skip : it;
      run(`${referenceCase.id} (${comparedSteps(referenceCase)} steps)`, () => {
        const { theta, loss } = replay(referenceCase, path);
        expect(theta).toHaveLength(comparedSteps(referenceCase));
        expect(firstDeviatingStep(referenceCase, theta, 'theta')).toBeNull();
        expect(firstDeviatingStep(referenceCase, loss.map((value) => [value]), 'loss')).toBeNull();
      });
    }
  });
}
