import { describe, expect, it } from 'vitest';
import { createSchedule, scheduleSpecSchema, scheduleTypes } from '../../../src/core/schedules/index.ts';

const context = { baseLearningRate: 1, totalSteps: 100 };
const at = (input: unknown, steps: number[], base = context) => {
  const schedule = createSchedule(scheduleSpecSchema.parse(input), base);
  return steps.map((step) => schedule.learningRate(step));
};

describe('learning-rate schedules (η = 1 unless said)', () => {
  const table: { name: string; spec: unknown; steps: number[]; expected: number[] }[] = [
    { name: 'constant', spec: { type: 'constant' }, steps: [1, 50, 1000], expected: [1, 1, 1] },
    // η·γ^⌊(t−1)/10⌋
    { name: 'step', spec: { type: 'step', stepSize: 10, gamma: 0.5 }, steps: [1, 10, 11, 20, 21], expected: [1, 1, 0.5, 0.5, 0.25] },
    { name: 'step, default γ 0.1', spec: { type: 'step', stepSize: 2 }, steps: [2, 3], expected: [1, 0.1] },
    // η·γ^(t−1)
    { name: 'exponential', spec: { type: 'exponential', gamma: 0.9 }, steps: [1, 2, 3], expected: [1, 0.9, 0.81] },
    // η/(1 + k(t−1))
    { name: 'inverse time', spec: { type: 'inverseTime', decay: 0.5 }, steps: [1, 3, 5], expected: [1, 0.5, 1 / 3] },
    // (1 + cos(π s/10))/2: s = 0 → 1, s = 5 → ½, s ≥ 10 → 0
    { name: 'cosine', spec: { type: 'cosine', periodSteps: 10 }, steps: [1, 6, 11, 50], expected: [1, 0.5, 0, 0] },
    { name: 'cosine over the run (T = 100)', spec: { type: 'cosine' }, steps: [51, 101], expected: [0.5, 0] },
    // η_min + (1 − η_min)·½ at the half period
    { name: 'cosine with a floor', spec: { type: 'cosine', periodSteps: 10, minLearningRate: 0.2 }, steps: [6, 11], expected: [0.6, 0.2] },
    // periods 4, 8, 16: restarts at s = 0, 4, 12
    {
      name: 'cosine with warm restarts',
      spec: { type: 'cosineRestarts', periodSteps: 4, periodMultiplier: 2 },
      steps: [1, 3, 5, 9, 13],
      expected: [1, 0.5, 1, 0.5, 1],
    },
    { name: 'cosine restarts, equal periods', spec: { type: 'cosineRestarts', periodSteps: 4 }, steps: [3, 5, 7], expected: [0.5, 1, 0.5] },
    // warm-up t/W for t < W, on top of the schedule
    { name: 'warm-up on constant', spec: { type: 'constant', warmupSteps: 4 }, steps: [1, 2, 4, 5], expected: [0.25, 0.5, 1, 1] },
    { name: 'warm-up on exponential', spec: { type: 'exponential', gamma: 0.5, warmupSteps: 2 }, steps: [1, 2, 3], expected: [0.5, 0.5, 0.25] },
    { name: 'reduce on plateau (no observations)', spec: { type: 'reduceOnPlateau' }, steps: [1, 1000], expected: [1, 1] },
  ];

  it.each(table)('$name', ({ spec, steps, expected }) => {
    const values = at(spec, steps);
    values.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 14));
  });

  it('scales with the base learning rate', () => {
    expect(at({ type: 'step', stepSize: 1, gamma: 0.5 }, [3], { baseLearningRate: 0.4, totalSteps: 10 })).toEqual([0.1]);
  });

  it('covers every schedule type in the table', () => {
    const tested = new Set(table.map((row) => (row.spec as { type: string }).type));
    expect(scheduleTypes.filter((type) => !tested.has(type))).toEqual([]);
  });

  it('rejects bad settings with their path', () => {
    const result = scheduleSpecSchema.safeParse({ type: 'step', stepSize: 0, extra: 1 });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['', 'stepSize']);
  });
});

describe('reduce on plateau', () => {
  // patience 2, factor ½: a flat loss from step 1 reduces at steps 3 and 5; an improvement resets the count.
  const spec = { type: 'reduceOnPlateau', patience: 2, factor: 0.5 };

  it('reduces after patience updates without improvement, and keeps its state', () => {
    const schedule = createSchedule(scheduleSpecSchema.parse(spec), context);
    const losses = [1, 1, 1, 1, 1, 0.5, 0.5, 0.5];
    const rates = losses.map((loss, i) => {
      schedule.observe!(i + 1, loss);
      return schedule.learningRate(i + 2);
    });
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]);
    const copy = createSchedule(scheduleSpecSchema.parse(spec), context);
    copy.setState(JSON.parse(JSON.stringify(schedule.getState())));
    expect(copy.learningRate(10)).toBe(0.125);
    copy.observe!(9, 0.5);
    schedule.observe!(9, 0.5);
    expect(copy.learningRate(10)).toBe(schedule.learningRate(10));
  });

  it('waits cooldown updates after a reduction and never goes below the floor', () => {
    const schedule = createSchedule(scheduleSpecSchema.parse({ ...spec, cooldown: 2, minLearningRate: 0.3 }), context);
    const rates: number[] = [];
    for (let step = 1; step <= 10; step++) {
      schedule.observe!(step, 1);
      rates.push(schedule.learningRate(step + 1));
    }
    // reductions at step 3, then 3 + 2 (cooldown) + 2 (patience) = 7, floored at 0.3
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3]);
  });
});
