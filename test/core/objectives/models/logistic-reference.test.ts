/**
 * Logistic regression on a fixed inline dataset, full batch, flavor paper, with each of the
 * overview's ten optimizers, through the real run loop; checked step by step against a float64
 * reference written here from the formulas (loss, gradient and every update rule), sharing no
 * code with the engine.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../../src/contracts/run-spec.ts';
import { iterateRun } from '../../../../src/core/training/index.ts';
import { fixedBinaryTargets, fixedFeatures } from './fixed-data.ts';

const features = fixedFeatures;
const targets = fixedBinaryTargets;
const steps = 60;

/** Mean binary cross-entropy of σ(w·x + b) and its gradient; θ = (w1, w2, w3, b). */
function lossAndGradient(theta: number[]): { loss: number; gradient: number[] } {
  const gradient = [0, 0, 0, 0];
  let loss = 0;
  features.forEach((x, r) => {
    const z = theta[0] * x[0] + theta[1] * x[1] + theta[2] * x[2] + theta[3];
    const p = 1 / (1 + Math.exp(-z));
    loss += -(targets[r] * Math.log(p) + (1 - targets[r]) * Math.log(1 - p));
    for (let j = 0; j < 3; j++) gradient[j] += (p - targets[r]) * x[j];
    gradient[3] += p - targets[r];
  });
  return { loss: loss / features.length, gradient: gradient.map((g) => g / features.length) };
}

type Update = (theta: number[], t: number) => number[];
type MomentStep = (m: number, v: number, g: number, t: number, i: number) => number;

const adamHyperparameters = { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam-style updates: m ← 0.9·m + 0.1·g, v ← 0.999·v + 0.001·g², then θ_i ← θ_i − step(m_i, v_i, g_i, t, i)
 * with the raw (uncorrected) moments; `makeStep` builds a step with its own extra state.
 */
function adamFamily(makeStep: () => MomentStep): () => Update {
  return () => {
    const m = [0, 0, 0, 0];
    const v = [0, 0, 0, 0];
    const step = makeStep();
    return (theta, t) => {
      const g = lossAndGradient(theta).gradient;
      return theta.map((value, i) => {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        return value - step(m[i], v[i], g[i], t, i);
      });
    };
  };
}

/** Each optimizer's paper update, with explicit hyperparameters; returns θ after update t. */
const references: Record<string, { hyperparameters: Record<string, number>; make: () => Update }> = {
  sgd: {
    hyperparameters: { learningRate: 0.5 },
    make: () => (theta) => {
      const g = lossAndGradient(theta).gradient;
      return theta.map((v, i) => v - 0.5 * g[i]);
    },
  },
  momentum: {
    hyperparameters: { learningRate: 0.1, momentum: 0.9 },
    make: () => {
      const v = [0, 0, 0, 0];
      return (theta) => {
        const g = lossAndGradient(theta).gradient;
        return theta.map((value, i) => {
          v[i] = 0.9 * v[i] + 0.1 * g[i];
          return value - v[i];
        });
      };
    },
  },
  nesterov: {
    hyperparameters: { learningRate: 0.1, momentum: 0.9 },
    make: () => {
      const v = [0, 0, 0, 0];
      return (theta) => {
        const g = lossAndGradient(theta.map((value, i) => value - 0.9 * v[i])).gradient;
        return theta.map((value, i) => {
          v[i] = 0.9 * v[i] + 0.1 * g[i];
          return value - v[i];
        });
      };
    },
  },
  adagrad: {
    hyperparameters: { learningRate: 0.3, epsilon: 1e-8 },
    make: () => {
      const G = [0, 0, 0, 0];
      return (theta) => {
        const g = lossAndGradient(theta).gradient;
        return theta.map((value, i) => {
          G[i] += g[i] * g[i];
          return value - (0.3 / Math.sqrt(G[i] + 1e-8)) * g[i];
        });
      };
    },
  },
  adadelta: {
    hyperparameters: { rho: 0.95, epsilon: 1e-6 },
    make: () => {
      const Eg = [0, 0, 0, 0];
      const Ex = [0, 0, 0, 0];
      return (theta) => {
        const g = lossAndGradient(theta).gradient;
        return theta.map((value, i) => {
          Eg[i] = 0.95 * Eg[i] + 0.05 * g[i] * g[i];
          const delta = (-Math.sqrt(Ex[i] + 1e-6) / Math.sqrt(Eg[i] + 1e-6)) * g[i];
          Ex[i] = 0.95 * Ex[i] + 0.05 * delta * delta;
          return value + delta;
        });
      };
    },
  },
  rmsprop: {
    hyperparameters: { learningRate: 0.01, rho: 0.9, epsilon: 1e-8 },
    make: () => {
      const Eg = [0, 0, 0, 0];
      return (theta) => {
        const g = lossAndGradient(theta).gradient;
        return theta.map((value, i) => {
          Eg[i] = 0.9 * Eg[i] + 0.1 * g[i] * g[i];
          return value - (0.01 / Math.sqrt(Eg[i] + 1e-8)) * g[i];
        });
      };
    },
  },
  adam: {
    hyperparameters: adamHyperparameters,
    make: adamFamily(() => (m, v, _g, t) => (0.05 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8)),
  },
  adamax: {
    hyperparameters: { learningRate: 0.05, beta1: 0.9, beta2: 0.999 },
    make: () => {
      const m = [0, 0, 0, 0];
      const u = [0, 0, 0, 0];
      return (theta, t) => {
        const g = lossAndGradient(theta).gradient;
        return theta.map((value, i) => {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          u[i] = Math.max(0.999 * u[i], Math.abs(g[i]));
          return u[i] === 0 ? value : value - (0.05 / u[i]) * (m[i] / (1 - 0.9 ** t));
        });
      };
    },
  },
  nadam: {
    hyperparameters: adamHyperparameters,
    make: adamFamily(() => (m, v, g, t) =>
      (0.05 / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8)) * (0.9 * (m / (1 - 0.9 ** t)) + (0.1 * g) / (1 - 0.9 ** t))),
  },
  amsgrad: {
    hyperparameters: adamHyperparameters,
    make: adamFamily(() => {
      const vMax = [0, 0, 0, 0];
      return (m, v, _g, _t, i) => {
        vMax[i] = Math.max(vMax[i], v);
        return (0.05 * m) / (Math.sqrt(vMax[i]) + 1e-8);
      };
    }),
  },
};

/** max_i |a_i − b_i| / max_i |b_i| (normwise relative), or the absolute error when b = 0. */
function relativeError(actual: readonly number[], expected: readonly number[]): number {
  let error = 0;
  let scale = 0;
  expected.forEach((value, i) => {
    error = Math.max(error, Math.abs(actual[i] - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return scale === 0 ? error : error / scale;
}

describe('logistic regression, full batch, flavor paper: the ten optimizers against a float64 reference', () => {
  it.each(Object.keys(references))('%s', (name) => {
    const { hyperparameters, make } = references[name];
    const spec = runSpecSchema.parse({
      objective: { type: 'model', model: 'logistic', data: { features, targets }, validationSplit: 0 },
      optimizer: { name, flavor: 'paper', ...hyperparameters },
      training: { maxSteps: steps, shuffle: false, seed: 7 },
      record: { every: 1, params: true },
    });
    const records = [...iterateRun(spec)];
    expect(records).toHaveLength(steps);
    const update = make();
    let theta = [0, 0, 0, 0];
    records.forEach((record, k) => {
      const t = k + 1;
      expect(record.step).toBe(t);
      expect(relativeError([record.loss], [lossAndGradient(theta).loss])).toBeLessThanOrEqual(1e-9);
      theta = update(theta, t);
      expect(relativeError(record.params!, theta)).toBeLessThanOrEqual(1e-9);
    });
    // The optimizer made progress on the data.
    expect(lossAndGradient(theta).loss).toBeLessThan(Math.LN2);
  });
});
