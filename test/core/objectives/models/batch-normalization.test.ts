import { describe, expect, it } from 'vitest';
import {
  batchNormalizationEpsilon,
  batchNormalizationMomentum,
  createModelObjective,
  modelObjectiveSpecSchema,
} from '../../../../src/core/objectives/models/index.ts';
import { scatteredParams } from './finite-differences.ts';

const features = [[0.5, -1.2], [1.1, 0.4], [-0.3, 0.8], [2.0, -0.5], [-1.4, -0.9], [0.2, 1.7]];
const targets = [0, 2, 1, 2, 0, 1];
const spec = modelObjectiveSpecSchema.parse({
  type: 'model',
  model: 'mlp',
  data: { features, targets },
  validation: { features, targets },
  hidden: [3],
  activation: 'tanh',
  batchNormalization: true,
  seed: 4,
});

/** Layer-1 pre-activations z = W·x + b per unit, straight from the documented parameter order. */
function firstLayer(params: Float64Array): number[][] {
  return features.map((x) => [0, 1, 2].map((o) => params[o * 2] * x[0] + params[o * 2 + 1] * x[1] + params[6 + o]));
}

describe('batch normalization', () => {
  it('orders parameters W, b, γ, β per layer and starts γ at 1, β at 0', () => {
    const objective = createModelObjective(spec);
    expect(objective.variables.slice(6, 12)).toEqual(['layer1.b1', 'layer1.b2', 'layer1.b3', 'layer1.gamma1', 'layer1.gamma2', 'layer1.gamma3']);
    expect(objective.variables.slice(12, 15)).toEqual(['layer1.beta1', 'layer1.beta2', 'layer1.beta3']);
    expect(Array.from(objective.initial.subarray(9, 15))).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('evaluation uses running statistics: equal to the training loss exactly when they equal the batch statistics', () => {
    const objective = createModelObjective(spec);
    const params = scatteredParams(objective.dimension);
    const z = firstLayer(params);
    const mean = [0, 1, 2].map((o) => z.reduce((sum, row) => sum + row[o], 0) / z.length);
    const variance = [0, 1, 2].map((o) => z.reduce((sum, row) => sum + (row[o] - mean[o]) ** 2, 0) / z.length);
    // Initial running statistics (0, 1) differ from the batch's, and so does the evaluation loss.
    expect(objective.validationLoss(params)).not.toBeCloseTo(objective.value(params), 6);
    objective.setState!({ 'layer1.runningMean': mean, 'layer1.runningVariance': variance });
    expect(objective.validationLoss(params)).toBeCloseTo(objective.value(params), 12);
  });

  it('updates the running statistics at each gradient evaluation with momentum 0.1 and the unbiased variance', () => {
    const objective = createModelObjective(spec);
    const params = scatteredParams(objective.dimension);
    const z = firstLayer(params);
    const n = z.length;
    const mean = [0, 1, 2].map((o) => z.reduce((sum, row) => sum + row[o], 0) / n);
    const unbiased = [0, 1, 2].map((o) => z.reduce((sum, row) => sum + (row[o] - mean[o]) ** 2, 0) / (n - 1));
    objective.value(params);
    expect(objective.getState!()['layer1.runningMean']).toEqual([0, 0, 0]);
    objective.valueAndGradient(params, new Float64Array(objective.dimension));
    const state = objective.getState!();
    const m = batchNormalizationMomentum;
    (state['layer1.runningMean'] as number[]).forEach((v, o) => expect(v).toBeCloseTo(m * mean[o], 14));
    (state['layer1.runningVariance'] as number[]).forEach((v, o) => expect(v).toBeCloseTo(1 - m + m * unbiased[o], 14));
  });

  it('evaluates each validation row independently of the others (running statistics, not the batch)', () => {
    const objective = createModelObjective(spec);
    const params = scatteredParams(objective.dimension);
    objective.valueAndGradient(params, new Float64Array(objective.dimension));
    const single = createModelObjective({ ...spec, validation: { features: [features[2]], targets: [targets[2]] } });
    single.setState!(objective.getState!());
    const losses = new Float64Array(6);
    objective.exampleLosses!(params, losses);
    expect(single.validationLoss(params)).toBeCloseTo(losses[2], 14);
    expect(batchNormalizationEpsilon).toBe(1e-5);
  });

  it('restores state bit for bit and rejects a state of another shape', () => {
    const a = createModelObjective(spec);
    const params = scatteredParams(a.dimension);
    a.valueAndGradient(params, new Float64Array(a.dimension));
    const b = createModelObjective(spec);
    b.setState!(JSON.parse(JSON.stringify(a.getState!())));
    expect(b.validationLoss(params)).toBe(a.validationLoss(params));
    expect(() => b.setState!({ 'layer1.runningMean': [0] })).toThrow(/runningMean/);
    expect(createModelObjective({ ...spec, batchNormalization: false }).getState!()).toEqual({});
  });
});
