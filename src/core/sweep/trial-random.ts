/**
 * The random stream of one trial: derived from the sweep's seed and the trial number alone, so
 * any coordinator suggesting trial n, now or after a restart, draws the same numbers.
 */
import { Random } from '../random.ts';

export function trialRandom(seed: number, trialNumber: number): Random {
  // Golden-ratio multiples separate neighbouring trial numbers; Random mixes further (splitmix32).
  return new Random(((seed >>> 0) ^ Math.imul(trialNumber + 1, 0x9e3779b1)) >>> 0 || 1);
}
