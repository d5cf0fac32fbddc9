/**
 * Two steps of every optimizer worked by hand, on one parameter θ0 = 1 with the gradients
 * g1 = 2 and g2 = −1 fed directly (no objective), the arithmetic in the comments.
 * Hyperparameters are chosen to make the numbers small and distinct per flavor.
 */
import { describe, expect, it } from 'vitest';
import { createOptimizer, optimizerConfigSchema, optimizerNames } from '../../../src/core/optimizers/index.ts';

interface WorkedExample {
  readonly title: string;
  readonly config: Record<string, unknown>;
  /** Learning rates of steps 1 and 2 (the training loop passes the scheduled rate). */
  readonly learningRates: readonly [number, number];
  readonly expected: readonly [number, number];
  /** The paper's Nesterov look-ahead point before step 2, where it applies. */
  readonly lookAhead?: number;
}

const sqrt = Math.sqrt;

const examples: WorkedExample[] = [
  {
    title: 'sgd',
    config: { name: 'sgd' },
    learningRates: [0.1, 0.1],
    // θ1 = 1 − 0.1·2 = 0.8;  θ2 = 0.8 − 0.1·(−1) = 0.9
    expected: [0.8, 0.9],
  },
  {
    title: 'momentum, paper',
    config: { name: 'momentum', momentum: 0.9 },
    learningRates: [0.1, 0.05],
    // v1 = 0.9·0 + 0.1·2 = 0.2, θ1 = 0.8;  v2 = 0.9·0.2 + 0.05·(−1) = 0.13, θ2 = 0.8 − 0.13 = 0.67
    expected: [0.8, 0.67],
  },
  {
    title: 'momentum, pytorch',
    config: { name: 'momentum', momentum: 0.9, flavor: 'pytorch' },
    learningRates: [0.1, 0.05],
    // b1 = 2, θ1 = 1 − 0.1·2 = 0.8;  b2 = 0.9·2 − 1 = 0.8, θ2 = 0.8 − 0.05·0.8 = 0.76
    // (the paper's 0.67 differs only because η changed between the steps)
    expected: [0.8, 0.76],
  },
  {
    title: 'nesterov, paper',
    config: { name: 'nesterov', momentum: 0.9 },
    learningRates: [0.1, 0.1],
    // look-ahead 1 − 0.9·0 = 1; v1 = 0.1·2 = 0.2, θ1 = 0.8
    // look-ahead 0.8 − 0.9·0.2 = 0.62 (g2 is taken there); v2 = 0.9·0.2 + 0.1·(−1) = 0.08, θ2 = 0.72
    expected: [0.8, 0.72],
    lookAhead: 0.62,
  },
  {
    title: 'nesterov, pytorch',
    config: { name: 'nesterov', momentum: 0.9, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // b1 = 2, θ1 = 1 − 0.1·(2 + 0.9·2) = 0.62
    // b2 = 0.9·2 − 1 = 0.8, θ2 = 0.62 − 0.1·(−1 + 0.9·0.8) = 0.62 + 0.028 = 0.648
    expected: [0.62, 0.648],
  },
  {
    title: 'adagrad, paper (ε inside the root)',
    config: { name: 'adagrad', epsilon: 0.25 },
    learningRates: [0.1, 0.1],
    // G1 = 4, θ1 = 1 − 0.1·2/√4.25;  G2 = 5, θ2 = θ1 + 0.1·1/√5.25
    expected: [1 - 0.2 / sqrt(4.25), 1 - 0.2 / sqrt(4.25) + 0.1 / sqrt(5.25)],
  },
  {
    title: 'adagrad, pytorch (ε outside)',
    config: { name: 'adagrad', epsilon: 0.25, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // G1 = 4, θ1 = 1 − 0.2/(2 + 0.25);  G2 = 5, θ2 = θ1 + 0.1/(√5 + 0.25)
    expected: [1 - 0.2 / 2.25, 1 - 0.2 / 2.25 + 0.1 / (sqrt(5) + 0.25)],
  },
  {
    title: 'rmsprop, paper',
    config: { name: 'rmsprop', rho: 0.5, epsilon: 0.25 },
    learningRates: [0.1, 0.1],
    // E1 = 0.5·4 = 2, θ1 = 1 − 0.2/√2.25 = 1 − 0.2/1.5;  E2 = 0.5·2 + 0.5·1 = 1.5, θ2 = θ1 + 0.1/√1.75
    expected: [1 - 0.2 / 1.5, 1 - 0.2 / 1.5 + 0.1 / sqrt(1.75)],
  },
  {
    title: 'rmsprop, pytorch',
    config: { name: 'rmsprop', rho: 0.5, epsilon: 0.25, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // E1 = 2, θ1 = 1 − 0.2/(√2 + 0.25);  E2 = 1.5, θ2 = θ1 + 0.1/(√1.5 + 0.25)
    expected: [1 - 0.2 / (sqrt(2) + 0.25), 1 - 0.2 / (sqrt(2) + 0.25) + 0.1 / (sqrt(1.5) + 0.25)],
  },
  {
    title: 'adadelta, paper',
    config: { name: 'adadelta', rho: 0.5, epsilon: 0.25 },
    learningRates: [1, 1],
    // E[g²]1 = 2, Δ1 = −√0.25/√2.25·2 = −2/3, E[Δ²]1 = 0.5·4/9 = 2/9, θ1 = 1/3
    // E[g²]2 = 0.5·2 + 0.5·1 = 1.5, Δ2 = −√(2/9 + 0.25)/√1.75·(−1), θ2 = 1/3 + √(17/36)/√1.75
    expected: [1 / 3, 1 / 3 + sqrt(17 / 36) / sqrt(1.75)],
  },
  {
    title: 'adadelta, pytorch (learning-rate multiplier)',
    config: { name: 'adadelta', rho: 0.5, epsilon: 0.25, learningRate: 0.5, flavor: 'pytorch' },
    learningRates: [0.5, 0.5],
    // Δ1 = −2/3 as in the paper, E[Δ²]1 = 2/9 from the unscaled Δ, θ1 = 1 − 0.5·2/3 = 2/3
    // θ2 = 2/3 + 0.5·√(17/36)/√1.75
    expected: [2 / 3, 2 / 3 + (0.5 * sqrt(17 / 36)) / sqrt(1.75)],
  },
  ...(['paper', 'pytorch'] as const).map((flavor) => ({
    title: `adam, ${flavor}`,
    config: { name: 'adam', beta1: 0.75, beta2: 0.75, epsilon: 0.25, flavor },
    learningRates: [0.1, 0.1] as const,
    // m1 = 0.25·2 = 0.5, m̂1 = 0.5/0.25 = 2;  v1 = 0.25·4 = 1, v̂1 = 4;  θ1 = 1 − 0.1·2/(2 + 0.25)
    // m2 = 0.75·0.5 − 0.25 = 0.125, m̂2 = 0.125/0.4375 = 2/7;  v2 = 0.75 + 0.25 = 1, v̂2 = 16/7
    // θ2 = θ1 − 0.1·(2/7)/(√(16/7) + 0.25)
    expected: [1 - 0.2 / 2.25, 1 - 0.2 / 2.25 - (0.1 * (2 / 7)) / (sqrt(16 / 7) + 0.25)] as const,
  })),
  {
    title: 'adamw (decoupled decay before the Adam step)',
    config: { name: 'adamw', beta1: 0.75, beta2: 0.75, epsilon: 0.25, weightDecay: 0.5 },
    learningRates: [0.1, 0.1],
    // θ1 = 1·(1 − 0.1·0.5) − 0.1·2/2.25 = 0.95 − 0.2/2.25;  θ2 = 0.95·θ1 − 0.1·(2/7)/(√(16/7) + 0.25)
    expected: [0.95 - 0.2 / 2.25, 0.95 * (0.95 - 0.2 / 2.25) - (0.1 * (2 / 7)) / (sqrt(16 / 7) + 0.25)],
  },
  {
    title: 'amsgrad, paper (no bias correction)',
    config: { name: 'amsgrad', beta1: 0.75, beta2: 0.5, epsilon: 0.25 },
    learningRates: [0.1, 0.1],
    // m1 = 0.5, v1 = 0.5·4 = 2, v̂1 = 2, θ1 = 1 − 0.1·0.5/(√2 + 0.25)
    // m2 = 0.125, v2 = 0.5·2 + 0.5·1 = 1.5, v̂2 = max(2, 1.5) = 2, θ2 = θ1 − 0.1·0.125/(√2 + 0.25)
    expected: [1 - 0.05 / (sqrt(2) + 0.25), 1 - 0.05 / (sqrt(2) + 0.25) - 0.0125 / (sqrt(2) + 0.25)],
  },
  {
    title: 'amsgrad, pytorch (bias-corrected)',
    config: { name: 'amsgrad', beta1: 0.75, beta2: 0.5, epsilon: 0.25, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // θ1 = 1 − (0.1/0.25)·0.5/(√2/√0.5 + 0.25) = 1 − 0.2/2.25
    // v̂2 = max(2, 1.5) = 2;  θ2 = θ1 − (0.1/0.4375)·0.125/(√2/√0.75 + 0.25)
    expected: [1 - 0.2 / 2.25, 1 - 0.2 / 2.25 - ((0.1 / 0.4375) * 0.125) / (sqrt(2) / sqrt(0.75) + 0.25)],
  },
  {
    title: 'adamax, paper',
    config: { name: 'adamax', beta1: 0.75, beta2: 0.5 },
    learningRates: [0.1, 0.1],
    // m1 = 0.5, u1 = max(0, 2) = 2, θ1 = 1 − (0.1/2)·0.5/0.25 = 0.9
    // m2 = 0.125, u2 = max(0.5·2, 1) = 1, θ2 = 0.9 − (0.1/1)·0.125/0.4375 = 0.9 − 1/35
    expected: [0.9, 0.9 - 1 / 35],
  },
  {
    title: 'adamax, pytorch (ε inside the max)',
    config: { name: 'adamax', beta1: 0.75, beta2: 0.5, epsilon: 0.25, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // u1 = max(0, 2 + 0.25) = 2.25, θ1 = 1 − (0.1/0.25)·0.5/2.25 = 1 − 0.2/2.25
    // u2 = max(1.125, 1 + 0.25) = 1.25, θ2 = θ1 − (0.1/0.4375)·0.125/1.25
    expected: [1 - 0.2 / 2.25, 1 - 0.2 / 2.25 - ((0.1 / 0.4375) * 0.125) / 1.25],
  },
  {
    title: 'nadam, paper',
    config: { name: 'nadam', beta1: 0.75, beta2: 0.75, epsilon: 0.25 },
    learningRates: [0.1, 0.1],
    // θ1 = 1 − 0.1/(2 + 0.25)·(0.75·2 + 0.25·2/0.25) = 1 − 0.35/2.25
    // θ2 = θ1 − 0.1/(√(16/7) + 0.25)·(0.75·2/7 + 0.25·(−1)/0.4375) = θ1 + 0.1·(2.5/7)/(√(16/7) + 0.25)
    expected: [1 - 0.35 / 2.25, 1 - 0.35 / 2.25 + (0.1 * (2.5 / 7)) / (sqrt(16 / 7) + 0.25)],
  },
  {
    title: 'nadam, pytorch (momentum schedule, ψ = 1)',
    config: { name: 'nadam', beta1: 0.75, beta2: 0.75, epsilon: 0.25, momentumDecay: 1, flavor: 'pytorch' },
    learningRates: [0.1, 0.1],
    // μ1 = 0.75·(1 − 0.5·0.96) = 0.39, μ2 = 0.75·(1 − 0.5·0.9216) = 0.4044,
    // μ3 = 0.75·(1 − 0.5·0.884736) = 0.418224;  Π1 = 0.39, Π2 = 0.39·0.4044 = 0.157716
    // θ1 = 1 − 0.1·(1 − 0.39)/(1 − 0.39)·2/2.25 − 0.1·0.4044/(1 − 0.157716)·0.5/2.25
    // θ2 = θ1 − 0.1·(1 − 0.4044)/(1 − 0.157716)·(−1)/d − 0.1·0.418224/(1 − 0.157716·0.418224)·0.125/d,
    //      d = √(16/7) + 0.25
    expected: [
      1 - 0.2 / 2.25 - (0.1 * 0.4044 * 0.5) / (0.842284 * 2.25),
      1 -
        0.2 / 2.25 -
        (0.1 * 0.4044 * 0.5) / (0.842284 * 2.25) +
        (0.1 * 0.5956) / 0.842284 / (sqrt(16 / 7) + 0.25) -
        (0.1 * 0.418224 * 0.125) / (1 - 0.157716 * 0.418224) / (sqrt(16 / 7) + 0.25),
    ],
  },
  ...(['paper', 'pytorch'] as const).map((flavor) => ({
    title: `radam, ${flavor} (un-adapted first steps)`,
    config: { name: 'radam', beta1: 0.75, beta2: 0.75, epsilon: 0.25, flavor },
    learningRates: [0.1, 0.1] as const,
    // ρ∞ = 2/0.25 − 1 = 7;  ρ1 = 7 − 2·0.75/0.25 = 1,  ρ2 = 7 − 4·0.5625/0.4375 ≈ 1.86: both ≤ 4
    // θ1 = 1 − 0.1·m̂1 = 1 − 0.1·2 = 0.8;  θ2 = 0.8 − 0.1·(2/7)
    expected: [0.8, 0.8 - 0.1 * (2 / 7)] as const,
  })),
];

describe('two steps worked by hand', () => {
  it('covers every optimizer', () => {
    const covered = new Set(examples.map((example) => example.config.name));
    expect([...covered].sort()).toEqual([...optimizerNames].sort());
  });

  for (const example of examples) {
    it(example.title, () => {
      const optimizer = createOptimizer(1, optimizerConfigSchema.parse(example.config));
      const params = Float64Array.of(1);
      const point = new Float64Array(1);
      const gradients = [2, -1];
      for (let t = 1; t <= 2; t++) {
        if (t === 2 && example.lookAhead !== undefined) {
          optimizer.gradientPoint!(params, point);
          expect(point[0]).toBeCloseTo(example.lookAhead, 14);
        }
        optimizer.step(params, Float64Array.of(gradients[t - 1]), example.learningRates[t - 1], t);
        expect(params[0]).toBeCloseTo(example.expected[t - 1], 14);
      }
    });
  }

  it('radam takes the rectified step once ρ_t > 5 (pytorch) — step 6 from a known state', () => {
    // β2 = 0.999: ρ∞ = 1999, ρ6 = 1999 − 12·0.999⁶/(1 − 0.999⁶) ≈ 5.99 > 5.
    const [beta1, beta2, epsilon, eta, t] = [0.9, 0.999, 1e-8, 0.01, 6];
    const optimizer = createOptimizer(1, optimizerConfigSchema.parse({ name: 'radam', flavor: 'pytorch' }));
    optimizer.setState({ firstMoment: [0.3], secondMoment: [0.02] });
    const params = Float64Array.of(1);
    optimizer.step(params, Float64Array.of(0.5), eta, t);
    const m = beta1 * 0.3 + (1 - beta1) * 0.5;
    const v = beta2 * 0.02 + (1 - beta2) * 0.25;
    const rhoInfinity = 2 / (1 - beta2) - 1;
    const rho = rhoInfinity - (2 * t * beta2 ** t) / (1 - beta2 ** t);
    expect(rho).toBeGreaterThan(5);
    const rectification = sqrt(((rho - 4) * (rho - 2) * rhoInfinity) / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho));
    const adaptiveLearningRate = sqrt(1 - beta2 ** t) / (sqrt(v) + epsilon);
    expect(params[0]).toBeCloseTo(1 - (m / (1 - beta1 ** t)) * eta * adaptiveLearningRate * rectification, 14);
  });
});
