/**
 * A pruner decides, at a trial's recorded step, whether to stop it, from the trial's own values
 * so far and the other trials' values at the same step. It is pure and asked in two moves:
 * `plan` says whether this step is a decision point and which other trials count (so the worker
 * reads them only then, in one query); `decide` gives the verdict with its reasons.
 */
import type { z } from 'zod';
import type { Goal } from '../trial.ts';

export interface PruningStep {
  readonly step: number;
  /** This trial's metric at `step` (NaN when it was not finite). */
  readonly value: number;
  /** The best of this trial's values at its recorded steps up to and including `step`. */
  readonly bestValue: number;
  /** This trial's recorded step before `step`, or null at its first. */
  readonly previousStep: number | null;
  readonly goal: Goal;
  /** The metric's name, for the sentence (`loss`, `valAccuracy`). */
  readonly metric: string;
  /** Trials of the sweep that completed (not pruned, not failed). */
  readonly completedTrials: number;
}

/** Which other trials' values at `step` the decision needs. */
interface PruningPlan {
  readonly population: 'completed' | 'reached';
}

/** Another trial's value at the step; `prunedRung` when that trial was pruned at this very step. */
export interface Competitor {
  readonly value: number;
  readonly prunedRung: number | null;
}

/** The machine-readable reason, stored as a pruned run's `result.pruning`. */
export interface PruningDecision {
  readonly prune: boolean;
  readonly rule: string;
  readonly step: number;
  /** The value compared: the trial's best so far (median) or its value at the rung (asha). */
  readonly value: number;
  /** The value it had to beat (the median; the worst value still promoted), or null. */
  readonly cutoff: number | null;
  readonly rung: number | null;
  /** 1 = best among the trial and its competitors, or null. */
  readonly rank: number | null;
  /** How many other trials it was compared with. */
  readonly competitors: number;
  /** The decision in one sentence. */
  readonly message: string;
}

export interface Pruner {
  /**
   * The first step after `step` at which a decision may be due (Infinity: never). A worker runs
   * a trial to the first recorded step at or past it before asking `plan`.
   */
  nextDecisionStep(step: number): number;
  plan(step: PruningStep): PruningPlan | null;
  decide(step: PruningStep, competitors: readonly Competitor[]): PruningDecision;
}

export interface PrunerDefinition<Options extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly description: string;
  /** The options besides `type`, every field defaulted. */
  readonly options: Options;
  create(options: z.output<Options>): Pruner;
}

/** "better" under the goal; NaN is never better. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === 'minimize' ? a < b : a > b;
}

/** 1 + how many of `others` are strictly better than `value`. */
export function rankAmong(value: number, others: readonly number[], goal: Goal): number {
  return 1 + others.filter((other) => isBetter(other, value, goal)).length;
}

export function formatValue(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(6)).toString() : String(value);
}
