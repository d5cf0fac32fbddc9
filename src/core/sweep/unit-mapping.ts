/**
 * From a point of the unit interval to a parameter value, as Optuna's search-space transform
 * does for its random and quasi-Monte Carlo samplers: a float is uniform on [low, high] (on the
 * logs when `log`); a stepped or integer range is widened by half a step at each end so that
 * every step is equally likely, then rounded to the nearest step and clipped; a log integer is
 * uniform on [log(low − ½), log(high + ½)], rounded; a categorical picks ⌊u·k⌋.
 */
import type { Distribution, ParameterValue } from './search-space.ts';

export function fromUnit(distribution: Distribution, u: number): ParameterValue {
  if (distribution.kind === 'categorical') {
    return distribution.choices[Math.min(distribution.choices.length - 1, Math.floor(u * distribution.choices.length))];
  }
  const { low, high } = distribution;
  if (distribution.kind === 'float' && distribution.log) return clip(Math.exp(lerp(Math.log(low), Math.log(high), u)), low, high);
  if (distribution.kind === 'int' && distribution.log) {
    return clip(Math.round(Math.exp(lerp(Math.log(low - 0.5), Math.log(high + 0.5), u))), low, high);
  }
  if (distribution.step === null) return lerp(low, high, u);
  const step = distribution.step;
  const x = lerp(low - 0.5 * step, high + 0.5 * step, u);
  return clip(Math.round((x - low) / step) * step + low, low, high);
}

function lerp(low: number, high: number, u: number): number {
  return low + u * (high - low);
}

export function clip(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
