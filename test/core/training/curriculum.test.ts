import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { createModelObjective, modelObjectiveSpecSchema } from '../../../src/core/objectives/models/index.ts';
import { Random } from '../../../src/core/random.ts';
import { curriculumSchema, writeCurriculumOrder } from '../../../src/core/training/curriculum.ts';
import { iterateRun } from '../../../src/core/training/index.ts';

const features = [[3], [1], [4], [1.5], [5], [9], [2], [6]];
const targets = [1, 0, 1, 0, 1, 1, 0, 1];
const difficulty = [0.3, 0.1, 0.4, 0.1, 0.5, 0.9, 0.2, 0.6];
const objective = createModelObjective(modelObjectiveSpecSchema.parse({ type: 'model', model: 'logistic', data: { features, targets, difficulty } }));
const params = Float64Array.of(0.5, -2);

describe('curriculum order', () => {
  it('naive by difficulty sorts easy → hard, ties in base order', () => {
    const order = Int32Array.of(7, 6, 5, 4, 3, 2, 1, 0);
    writeCurriculumOrder(curriculumSchema.parse({ by: 'difficulty' }), order, { objective, params, random: new Random(1) });
    expect(Array.from(order)).toEqual([3, 1, 6, 0, 2, 4, 7, 5]);
  });

  it('naive by loss sorts by each example’s loss at the current parameters', () => {
    const order = Int32Array.from({ length: 8 }, (_, i) => i);
    writeCurriculumOrder(curriculumSchema.parse({ by: 'loss' }), order, { objective, params, random: new Random(1) });
    const losses = new Float64Array(8);
    objective.exampleLosses!(params, losses);
    for (let i = 1; i < 8; i++) expect(losses[order[i]]).toBeGreaterThanOrEqual(losses[order[i - 1]]);
    expect(new Set(order).size).toBe(8);
  });

  it('mixed replaces about uniformFraction of the slots with uniform samples, reproducibly', () => {
    const big = createModelObjective(modelObjectiveSpecSchema.parse({
      type: 'model', model: 'linear',
      data: { features: Array.from({ length: 4000 }, (_, i) => [i]), targets: Array(4000).fill(0), difficulty: Array.from({ length: 4000 }, (_, i) => i) },
    }));
    const curriculum = curriculumSchema.parse({ by: 'difficulty', strategy: 'mixed', uniformFraction: 0.3 });
    const run = (seed: number) => {
      const order = Int32Array.from({ length: 4000 }, (_, i) => 3999 - i);
      writeCurriculumOrder(curriculum, order, { objective: big, params: new Float64Array(2), random: new Random(seed) });
      return order;
    };
    const order = run(5);
    const kept = order.filter((row, i) => row === i).length;
    expect(kept / 4000).toBeGreaterThan(0.66);
    expect(kept / 4000).toBeLessThan(0.74);
    expect(run(5)).toEqual(order);
    expect(run(6)).not.toEqual(order);
  });

  it('needs a difficulty column for by: difficulty', () => {
    const plain = createModelObjective(modelObjectiveSpecSchema.parse({ type: 'model', model: 'logistic', data: { features, targets } }));
    expect(() => writeCurriculumOrder(curriculumSchema.parse({ by: 'difficulty' }), new Int32Array(8), { objective: plain, params, random: new Random(1) }))
      .toThrow(/difficulty column/);
    expect(curriculumSchema.safeParse({ by: 'loss', strategy: 'combined' }).success).toBe(false);
  });
});

describe('curriculum in the run loop', () => {
  it('a naive curriculum by difficulty trains exactly like the same data pre-sorted, unshuffled', () => {
    const run = (data: object, curriculum?: object) => [...iterateRun(runSpecSchema.parse({
      objective: { type: 'model', model: 'logistic', data },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 24, batchSize: 3, shuffle: false, seed: 1, ...(curriculum ? { curriculum } : {}) },
      record: { every: 1, params: true },
    }))];
    const sorted = [1, 3, 6, 0, 2, 4, 7, 5];
    const withCurriculum = run({ features, targets, difficulty }, { by: 'difficulty' });
    const presorted = run({ features: sorted.map((r) => features[r]), targets: sorted.map((r) => targets[r]) });
    expect(withCurriculum).toEqual(presorted);
    expect(run({ features, targets })).not.toEqual(presorted);
  });

  it('is rejected by the spec when malformed', () => {
    expect(runSpecSchema.safeParse({
      objective: { type: 'model', model: 'logistic', data: { features, targets } },
      optimizer: { name: 'sgd' },
      training: { curriculum: { by: 'length' } },
    }).success).toBe(false);
  });
});
