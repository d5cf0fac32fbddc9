/**
 * TPE's view of the earlier trials (Optuna's `_get_observation_pairs` and
 * `_split_observation_pairs`). Each scored trial gets a key (stage, value), compared in order:
 *   complete            (−∞, sign·value)
 *   pruned at step s    (−s, sign·value at s)   — deeper pruned trials rank before shallower ones
 *   pruned, no steps    (1, 0)
 *   running (liar)      (+∞, +∞)                 — with the constant liar, always "above"
 * The γ split puts the ⌈γ·n⌉ best (at most `gammaMax`, n = finished trials) below, the rest
 * above; each part keeps chronological order. Failed trials are not observed.
 */
import type { ObservedTrial, Goal } from '../../trial.ts';
import { goalSign } from '../../trial.ts';

export interface Score {
  readonly stage: number;
  readonly value: number;
}

export interface Observations {
  readonly trials: readonly ObservedTrial[];
  readonly scores: readonly Score[];
  /** Complete and pruned trials: what the startup count and γ are taken over. */
  readonly finished: number;
}

export function observe(trials: readonly ObservedTrial[], goal: Goal, constantLiar: boolean): Observations {
  const sign = goalSign(goal);
  const kept: ObservedTrial[] = [];
  const scores: Score[] = [];
  let finished = 0;
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    let score: Score;
    if (trial.state === 'complete' && trial.value !== null) {
      score = { stage: -Infinity, value: sign * trial.value };
    } else if (trial.state === 'pruned') {
      if (trial.lastStep === null || trial.lastValue === null) score = { stage: 1, value: 0 };
      else score = { stage: -trial.lastStep, value: Number.isNaN(trial.lastValue) ? Infinity : sign * trial.lastValue };
    } else if (trial.state === 'running' && constantLiar) {
      score = { stage: Infinity, value: Infinity };
    } else {
      continue;
    }
    if (trial.state !== 'running') finished += 1;
    kept.push(trial);
    scores.push(score);
  }
  return { trials: kept, scores, finished };
}

/** Optuna's default γ: min(⌈0.1·n⌉, 25), with the fraction and the cap as options. */
export function belowCount(finished: number, gamma: number, gammaMax: number): number {
  return Math.min(Math.ceil(gamma * finished), gammaMax);
}

/** Indices (into the scores) of the `below` best and of the rest, each in chronological order. */
export function splitObservations(scores: readonly Score[], below: number): { below: number[]; above: number[] } {
  const ranked = Array.from(scores.keys()).sort((i, j) => compare(scores[i], scores[j]));
  const ascending = (a: number, b: number) => a - b;
  return { below: ranked.slice(0, below).sort(ascending), above: ranked.slice(below).sort(ascending) };
}

function compare(a: Score, b: Score): number {
  if (a.stage !== b.stage) return a.stage < b.stage ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return 0;
}
