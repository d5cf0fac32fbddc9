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

/**
 * Indices (into the scores) of the `below` best and of the rest, each in chronological order:
 * the first `below` of the scores ranked by a stable sort (ties in chronological order). The
 * best few are picked in one pass, keeping them ranked, instead of ranking all of them: the
 * same split (a NaN, which no order ranks, takes the sort).
 */
export function splitObservations(scores: readonly Score[], below: number): { below: number[]; above: number[] } {
  const count = Math.max(0, Math.min(below, scores.length));
  if (count > selectionLimit || scores.some((score) => Number.isNaN(score.stage) || Number.isNaN(score.value))) return splitBySorting(scores, count);
  // The best `count` so far, ranked; an index replaces the last only when strictly better (a tie keeps the earlier).
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (best.length === count && (count === 0 || compare(scores[i], scores[best[count - 1]]) >= 0)) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && compare(scores[i], scores[best[at - 1]]) < 0) {
      best[at] = best[at - 1];
      at -= 1;
    }
    best[at] = i;
  }
  best.length = count;
  const chosen = new Uint8Array(scores.length);
  for (const index of best) chosen[index] = 1;
  const split: { below: number[]; above: number[] } = { below: [], above: [] };
  for (let i = 0; i < scores.length; i++) (chosen[i] ? split.below : split.above).push(i);
  return split;
}

/** Above this many good trials, ranking all of them costs no more than picking. */
const selectionLimit = 64;

function splitBySorting(scores: readonly Score[], below: number): { below: number[]; above: number[] } {
  const ranked = Array.from(scores.keys()).sort((i, j) => compare(scores[i], scores[j]));
  const ascending = (a: number, b: number) => a - b;
  return { below: ranked.slice(0, below).sort(ascending), above: ranked.slice(below).sort(ascending) };
}

function compare(a: Score, b: Score): number {
  if (a.stage !== b.stage) return a.stage < b.stage ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return 0;
}
