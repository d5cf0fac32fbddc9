/**
 * What one coordination round does, decided from the sweep and all its trials: end the sweep
 * (target reached, too many failures, time limit, budget spent, a refused spec), or stop its
 * trials first when it ends while some are queued or running (see `endOnceSettled`), or create
 * trials up to the parallelism and the budget. A trial's parameters come from the sampler with the trial's own
 * seeded stream, its spec is `base` with them applied, validated as any run spec; one that does
 * not validate is created failed with the reason (and counts against the budget and failures).
 * A round's suggestions take up to suggestionWorkLimit: a round that would take more leaves the
 * rest of its trials to another round (`more`), which its coordinator starts at once.
 */
import { isDeepStrictEqual } from 'node:util';
import { runSpecSchema, type RunSpec } from '../../contracts/run-spec.ts';
import { toFieldIssues } from '../../contracts/issues.ts';
import { sweepSpace, type SweepSpec } from '../../contracts/sweep-spec.ts';
import { sweepEndRegistry, type SweepEndReason } from '../../contracts/sweep-view.ts';
import { runStatusRegistry, type RunStatus } from '../../contracts/run-status.ts';
import {
  applyParameters,
  createSampler,
  goalSign,
  indexesPastTheEnd,
  metricGoal,
  reachesTarget,
  samplerSpaceIssues,
  suggestionWork,
  suggestionWorkLimit,
  trialRandom,
  type ObservedTrial,
  type ParameterValues,
  type TrialState,
} from '../../core/sweep/index.ts';
import type { NewTrial, RoundPlan, RoundTrial } from '../../db/sweep-coordination.ts';
import { baseDataRows, type SweepRow } from '../../db/sweeps.ts';
import { modelTrainingRows } from '../../core/objectives/index.ts';
import { isObjectiveReference } from '../../core/training/index.ts';
import { metricRowsBound } from '../../db/metric-rows-use.ts';
import { resultWithoutParams } from '../../contracts/run-result.ts';
import { counted } from '../../core/counted.ts';

function trialState(status: RunStatus): TrialState {
  if (!runStatusRegistry[status].final) return 'running';
  if (runStatusRegistry[status].ranked) return 'complete';
  if (status === 'pruned') return 'pruned';
  return 'failed';
}

/** A number a stored result holds, or NaN (JSON holds no NaN nor ±Infinity: null, or absent). */
const storedNumber = (value: unknown): number => (typeof value === 'number' ? value : NaN);

/**
 * The samplers' view of a stored trial: a diverged one, or one without a value, counts as the
 * worst. A pruned trial is seen as Optuna's TPE sees one, by its depth and the value its pruner
 * compared there (`result.pruning`: its step and value), not by its value of the metric (the
 * leaderboard's, from its whole result).
 */
function observeTrial(trial: RoundTrial, worst: number): ObservedTrial {
  const state = trialState(trial.status);
  const pruning = (trial.result?.pruning ?? null) as { step?: number; value?: number | null } | null;
  const raw = state === 'pruned' ? storedNumber(pruning?.value) : trial.value;
  const value = raw === null || Number.isNaN(raw) || trial.status === 'diverged' ? worst : raw;
  return {
    number: trial.trialNumber,
    state,
    parameters: trial.parameters ?? {},
    value: state === 'complete' ? value : null,
    lastStep: state === 'pruned' ? (pruning?.step ?? null) : null,
    lastValue: state === 'pruned' ? value : null,
  };
}

function finish(reason: SweepEndReason, message: string): RoundPlan {
  const { status } = sweepEndRegistry[reason];
  return { newTrials: [], finish: { status, result: { reason, message } } };
}

/**
 * The endings decided while trials may still be queued or running, strongest first, and what a
 * queued trial they cancel says of its sweep.
 */
const stoppedBecause = {
  target_reached: 'a trial of its sweep reached metric.target',
  too_many_failures: 'too many trials of its sweep failed',
  time_limit: "its sweep's time limit passed",
  refused_spec: "its sweep's spec is refused as a submission would be now",
} as const;

/** An ending that holds: its reason, and how it ends the sweep once every trial has ended. */
interface Ending {
  readonly reason: keyof typeof stoppedBecause;
  readonly decide: () => RoundPlan;
}

/**
 * A sweep that ends while trials are queued or running (`active` of them) does not end yet: no
 * trial starts, the queued ones are cancelled (saying why) and the running ones stopped, and each
 * one's end wakes the sweep, whose round after the last decides from the trials as they ended. A
 * running trial may end before its cancel reaches it, completed with a value that can be the
 * best: a sweep that ended at once would not have counted it (a target reached by another trial,
 * a time limit with no trial finished), would store no value for it (the rounds store valLoss and
 * valAccuracy) and could say what its leaderboard then contradicts.
 *
 * The ending that stopped the trials is the one the sweep ends with (kept with it:
 * SweepRow.stopping), whatever else came to hold while they ended: its status and reason are
 * those its queued trials' cancels gave, and how the trials ended counts within it (its best
 * trial, its failed and cancelled ones; at the time limit, whether any finished). So a trial that
 * reached the target while a sweep stopped for its failures is its best, and the sweep failed with
 * too_many_failures all the same; a sweep stopped for its refused spec fails with refused_spec
 * though its time limit passed while it waited. An ending, once it held, holds for good (a trial
 * that reached the target, a failure, the time, the spec stay), so the one kept holds still when
 * the sweep decides. A round that finds several endings holding, none kept yet, stops for the
 * strongest, in the order of `stoppedBecause`.
 */
function endOnceSettled(active: number, ending: Ending): RoundPlan {
  return active > 0 ? { newTrials: [], finish: null, stop: { reason: ending.reason, why: stoppedBecause[ending.reason] } } : ending.decide();
}

/** The refused spec's ending, for these reasons. */
const refused = (reasons: readonly string[]): Ending => ({
  reason: 'refused_spec',
  decide: () => finish('refused_spec', `The sweep's spec is refused as a submission would be now, and it creates no trials: ${reasons.join(' ')}`),
});

/**
 * The ending of a sweep stored with a spec a submission would be refused now (`capacity` trials
 * of `space`); null when it is not.
 */
function refusedSpec(spec: SweepSpec, space: ReturnType<typeof sweepSpace>, capacity: number): Ending | null {
  // A sweep stored before submissions checked its indexes: every trial's spec would hold as many holes as the index says.
  const pastTheEnd = indexesPastTheEnd(spec.base, Object.keys(spec.parameters));
  if (pastTheEnd.length > 0) return refused(pastTheEnd.map(({ path, message }) => `parameters["${path}"]: ${message}`));
  // A sweep stored before submissions bounded its suggestions' work: its last ones would take the rounds longer than a thread's share.
  if (suggestionWork(spec.sampler, space, capacity - 1) <= suggestionWorkLimit) return null;
  const overWork = samplerSpaceIssues(spec.sampler, space, capacity);
  return overWork.length > 0 ? refused(overWork.map((issue) => `${issue.option ? `sampler.${issue.option}` : 'sampler'}: ${issue.message}`)) : null;
}

const failedTrialResult = (message: string) => resultWithoutParams('error', message);

/**
 * Failed trials in a row that end a sweep without budget.maxFailedTrials: a sweep whose trials
 * keep failing (a base no parameter can mend, an objective that cannot be built) is not left to
 * spend the rest of its budget failing.
 */
const defaultConsecutiveFailures = 10;

/**
 * Runs of failed trials among `ordered` (all the sweep's trials, by number, which run from 0 up):
 * the longest, and the one at the end. A trial not final (running, queued) or final and not failed
 * (completed, pruned, cancelled) breaks a run: 10 in a row are 10 consecutive trial numbers, each
 * final and failed.
 */
function failedRuns(ordered: readonly { status: RunStatus }[]): { longest: number; last: number } {
  let longest = 0;
  let last = 0;
  for (const { status } of ordered) {
    last = status === 'failed' ? last + 1 : 0;
    longest = Math.max(longest, last);
  }
  return { longest, last };
}

const lastMessage = (trials: readonly RoundTrial[]): string => trials.filter((trial) => trial.status === 'failed').at(-1)?.result?.message ?? '';

/**
 * Whether the trial has a finite value the leaderboard ranks, as GET /v1/sweeps/{id} picks its
 * best (a valLoss that was Infinity at every step is none; a pruned trial's value does not rank).
 */
const ranksAsBest = (trial: RoundTrial): boolean => runStatusRegistry[trial.status].ranked && trial.value !== null && Number.isFinite(trial.value);

/** Why a sweep whose trials (all ended) have no value that ranks has no best trial: their statuses. */
function noBestTrial(trials: readonly RoundTrial[], metric: string): string {
  const counts = new Map<string, number>();
  for (const trial of trials) counts.set(trial.status, (counts.get(trial.status) ?? 0) + 1);
  const statuses = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
  return `No trial ran to its end with a finite value of ${metric}${statuses && ` (${statuses})`}, so the sweep has no best trial.`;
}

/**
 * Whether a client cancelled the trial (POST /v1/runs/{id}/cancel): cancelled, not by the
 * service's quota of metric rows (stopReason metric_rows_quota).
 */
const cancelledByClient = (trial: RoundTrial): boolean => trial.status === 'cancelled' && trial.result?.stopReason === 'cancelled';

/**
 * The end of a sweep whose every trial has ended, its budget, grid or time limit spent (`spent`:
 * "All 4 trials of the budget finished."). One rule for the three: a sweep whose every trial
 * failed has failed (whatever failures its budget allowed); one whose every trial a client
 * cancelled was cancelled, and says so (its budget or grid spent: a sweep cancels trials of its
 * own only as it ends otherwise, see endOnceSettled, and at its time limit every trial cancelled
 * is no trial finished, see timeLimitPassed); one with no trial whose value ranks has failed
 * with no best trial, and says why (its trials' statuses). A sweep stored before the failure
 * rules ends as its budget or time limit says, saying why it has no best trial.
 */
function allEnded(reason: 'budget_exhausted' | 'grid_exhausted' | 'time_limit', spent: string, trials: readonly RoundTrial[], metric: string, failureRules: boolean): RoundPlan {
  const every = (count: number, verb: string) => (count === 1 ? `Its 1 trial ${verb}` : `All ${count} trials ${verb}`);
  if (failureRules && trials.length > 0 && trials.every((trial) => trial.status === 'failed')) {
    return finish('too_many_failures', `${every(trials.length, 'failed')}, so the sweep has no best trial. The last: ${lastMessage(trials)}`);
  }
  if (failureRules && trials.length > 0 && trials.every(cancelledByClient)) {
    const cancelled = trials.length === 1 ? 'was cancelled by a client before it finished' : 'were cancelled by a client before they finished';
    return finish('trials_cancelled', `${every(trials.length, cancelled)}, so the sweep has no best trial.`);
  }
  if (trials.some(ranksAsBest)) return finish(reason, spent);
  return finish(failureRules ? 'no_best_trial' : reason, `${spent} ${noBestTrial(trials, metric)}`);
}

/**
 * The end of a sweep past its time limit, every trial ended (see `endOnceSettled`): how many
 * ended, and how many were cancelled (those it stopped, or a cancel reached first); or, when
 * every trial was cancelled, that none finished before it.
 */
function timeLimitPassed(limit: number, trials: readonly RoundTrial[], metric: string, failureRules: boolean): RoundPlan {
  const cancelled = trials.filter((trial) => trial.status === 'cancelled').length;
  const were = cancelled === 1 ? 'was' : 'were';
  if (failureRules && cancelled === trials.length) {
    const its = trials.length === 0 ? '' : `; ${trials.length === 1 ? 'its 1 trial' : `its ${trials.length} trials`} ${were} cancelled`;
    return finish('no_trial_finished', `The time limit of ${limit} s passed before any trial finished, so the sweep has no best trial${its}.`);
  }
  const ended = trials.length - cancelled;
  const parts = [...(ended > 0 ? [`${counted(ended, 'trial')} ended`] : []), ...(cancelled > 0 ? [`${counted(cancelled, 'trial')} ${were} cancelled`] : [])];
  return allEnded('time_limit', `The time limit of ${limit} s passed: ${parts.length > 0 ? parts.join(', ') : 'no trial had started'}.`, trials, metric, failureRules);
}

/**
 * The metric rows each trial of `sweep` may record at most (metricRowsBound): its epochs' updates
 * over its training rows, as for a run of its own. A trial's objective sets them: a function has
 * none (each full-batch step is an epoch); a model on the base's data has those its own
 * validation split leaves of the base data's rows (modelTrainingRows, as its objective is built),
 * whatever else a parameter changed in it (l2, hidden, …); a trial whose objective is the base's
 * own (a stored objective) has the base's. Null (its spec's bound, as PostgreSQL computes it) for
 * a trial a parameter gave other data or another stored objective, and for the trials of a sweep
 * stored before the API kept what it learnt of its base.
 */
function trialRowsBound(sweep: SweepRow): (trial: RunSpec) => number | null {
  const known = sweep.baseObjective;
  if (known === null) return () => null;
  // The base, parsed as a trial's spec is (its defaults filled in), once a trial needs it.
  let base: ReturnType<typeof runSpecSchema.safeParse> | undefined;
  // The trial's training rows (null: a function); undefined when the base does not tell them.
  const trainingRows = (objective: RunSpec['objective']): number | null | undefined => {
    if (!isObjectiveReference(objective)) {
      if (objective.type !== 'model') return null;
      const dataRows = baseDataRows(known, objective.data);
      if (dataRows !== null) return modelTrainingRows(objective, dataRows);
    }
    base ??= runSpecSchema.safeParse((sweep.spec as SweepSpec).base);
    return base.success && isDeepStrictEqual(objective, base.data.objective) ? known.trainingRows : undefined;
  };
  return (trial) => {
    const rows = trainingRows(trial.objective);
    return rows === undefined ? null : metricRowsBound(trial, rows);
  };
}

export function planRound(sweep: SweepRow, trials: readonly RoundTrial[], now: Date): RoundPlan {
  const spec = sweep.spec as SweepSpec;
  const goal = metricGoal(spec.metric);
  const sign = goalSign(goal);
  const worst = goal === 'minimize' ? Infinity : -Infinity;
  const capacity = spec.budget.maxTrials ?? 0;
  const observed = trials.map((trial) => observeTrial(trial, worst));
  const active = trials.filter((trial) => !runStatusRegistry[trial.status].final).length;

  // The endings that hold, strongest first (see endOnceSettled).
  const endings: Ending[] = [];
  // The trial that reached the target and ranks first, as the leaderboard ranks them (its value, then its number).
  const [reached] = trials
    .filter((trial) => trialState(trial.status) === 'complete' && reachesTarget(spec.metric, trial.value))
    .sort((a, b) => a.value! * sign - b.value! * sign || a.trialNumber - b.trialNumber);
  if (reached) {
    endings.push({
      reason: 'target_reached',
      decide: () => finish('target_reached', `Trial ${reached.trialNumber} reached ${spec.metric.name} ${reached.value} (target ${spec.metric.target}).`),
    });
  }
  const failed = trials.filter((trial) => trial.status === 'failed');
  const maxFailed = spec.budget.maxFailedTrials;
  const ordered = [...trials].sort((a, b) => a.trialNumber - b.trialNumber);
  // A sweep stored before the failure rules has no failure limit without maxFailedTrials.
  const inARowLimit = maxFailed === undefined && sweep.failureRules ? defaultConsecutiveFailures : Infinity;
  const runs = failedRuns(ordered);
  if (maxFailed !== undefined && failed.length > maxFailed) {
    endings.push({
      reason: 'too_many_failures',
      decide: () => finish('too_many_failures', `${counted(failed.length, 'trial')} failed, more than maxFailedTrials (${maxFailed}). The last: ${lastMessage(trials)}`),
    });
  } else if (runs.longest >= inARowLimit) {
    endings.push({
      reason: 'too_many_failures',
      decide: () => finish('too_many_failures', `${defaultConsecutiveFailures} trials failed in a row (budget.maxFailedTrials is not given: `
        + `a sweep stops after ${defaultConsecutiveFailures} failed trials in a row). The last: ${lastMessage(ordered)}`),
    });
  }
  const limit = spec.budget.timeLimitSeconds;
  const startedAt = sweep.startedAt ?? now;
  if (limit !== undefined && now.getTime() - startedAt.getTime() >= limit * 1000) {
    endings.push({ reason: 'time_limit', decide: () => timeLimitPassed(limit, trials, spec.metric.name, sweep.failureRules) });
  }
  const space = sweepSpace(spec);
  // The ending that stopped the trials, kept; else the strongest that holds. A refused spec is looked at only when it stopped them, or as trials are to be created (below).
  const kept = sweep.stopping === 'refused_spec' ? refusedSpec(spec, space, capacity) : endings.find((ending) => ending.reason === sweep.stopping);
  const ending = kept ?? endings[0];
  if (ending) return endOnceSettled(active, ending);
  // Budget or grid spent: the trials still queued or running run to their ends.
  if (trials.length >= capacity) {
    if (active > 0) return { newTrials: [], finish: null };
    return spec.sampler.type === 'grid'
      ? allEnded('grid_exhausted', capacity === 1 ? 'The 1 point of the grid finished.' : `All ${capacity} points of the grid finished.`, trials, spec.metric.name, sweep.failureRules)
      : allEnded('budget_exhausted', capacity === 1 ? 'The 1 trial of the budget finished.' : `All ${capacity} trials of the budget finished.`, trials, spec.metric.name, sweep.failureRules);
  }

  const refusal = refusedSpec(spec, space, capacity);
  if (refusal) return endOnceSettled(active, refusal);

  const sampler = createSampler(spec.sampler, space);
  const seed = spec.sampler.seed ?? 0;
  const rowsBound = trialRowsBound(sweep);
  const newTrials: NewTrial[] = [];
  let running = active;
  let failures = failed.length;
  let inARow = runs.last;
  let work = 0;
  for (let trialNumber = trials.length; trialNumber < capacity && running < spec.parallelism; trialNumber++) {
    if (maxFailed !== undefined ? failures > maxFailed : inARow >= inARowLimit) break;
    // The round's suggestions take suggestionWorkLimit at most (one suggestion at least): another round makes the rest.
    const next = suggestionWork(spec.sampler, space, observed.length);
    if (newTrials.length > 0 && work + next > suggestionWorkLimit) return { newTrials, finish: null, more: true };
    work += next;
    const parameters: ParameterValues = sampler.suggest({ trialNumber, trials: observed, goal, random: trialRandom(seed, trialNumber) });
    const applied = applyParameters(spec.base, parameters);
    const parsed = runSpecSchema.safeParse(applied);
    if (parsed.success) {
      newTrials.push({ trialNumber, parameters, spec: parsed.data, failure: null, metricRowsBound: rowsBound(parsed.data) });
      observed.push({ number: trialNumber, state: 'running', parameters, value: null, lastStep: null, lastValue: null });
      running += 1;
      inARow = 0;
    } else {
      const reasons = toFieldIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      newTrials.push({ trialNumber, parameters, spec: applied, failure: failedTrialResult(`The trial's spec does not validate: ${reasons}`), metricRowsBound: null });
      observed.push({ number: trialNumber, state: 'failed', parameters, value: null, lastStep: null, lastValue: null });
      failures += 1;
      inARow += 1;
    }
  }
  return { newTrials, finish: null };
}
