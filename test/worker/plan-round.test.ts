/** A sweep's round as planned from its stored spec and trials, without a database. */
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema, type SweepSpec } from '../../src/contracts/sweep-spec.ts';
import { baseObjectiveOf, type SweepRow } from '../../src/db/sweeps.ts';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import type { RoundTrial } from '../../src/db/sweep-coordination.ts';
import { planRound } from '../../src/worker/sweeps/plan-round.ts';

const startedAt = new Date('2026-01-01T00:00:00Z');

function sweepRow(body: unknown, baseObjective: SweepRow['baseObjective'] = null): SweepRow {
  const spec = settleSweepSpec(sweepSpecSchema.parse(body), () => 1);
  return { id: 'sweep', tenantId: 'tenant', name: null, status: 'running', spec, result: null, idempotencyKey: null, createdAt: startedAt, updatedAt: startedAt, startedAt, finishedAt: null, baseObjective, failureRules: true, stopping: null };
}

const trial = (trialNumber: number, status: RoundTrial['status'], value: number | null = null): RoundTrial =>
  ({ runId: `run-${trialNumber}`, trialNumber, status, value, parameters: { 'optimizer.learningRate': 0.1 }, result: null });

describe('a round of a sweep', () => {
  describe('a sweep past its time limit', () => {
    const body = (budget: object) => ({
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      budget,
    });
    const late = new Date(startedAt.getTime() + 2000);
    const sweep = sweepRow(body({ timeLimitSeconds: 1, maxTrials: 10 }));

    it('starts no trial and stops its unended ones without ending, whatever they hold, so that a trial ending before the cancel reaches it is seen', () => {
      for (const trials of [[trial(0, 'completed', 1), trial(1, 'running'), trial(2, 'queued')], [trial(0, 'running')], [trial(0, 'diverged'), trial(1, 'queued')]]) {
        expect(planRound(sweep, trials, late)).toEqual({ newTrials: [], finish: null, stop: { reason: 'time_limit', why: "its sweep's time limit passed" } });
      }
      // A sweep stored before the failure rules waits for its trials' ends too.
      expect(planRound({ ...sweep, failureRules: false }, [trial(0, 'running')], late)).toMatchObject({ finish: null, stop: { why: expect.any(String) } });
    });

    it('ends once every trial ended, with the best among them, counting those that ended and those cancelled', () => {
      expect(planRound(sweep, [trial(0, 'completed', 1), trial(1, 'cancelled'), trial(2, 'cancelled')], late).finish).toEqual({
        status: 'completed',
        result: { reason: 'time_limit', message: 'The time limit of 1 s passed: 1 trial ended, 2 trials were cancelled.' },
      });
      // A trial running at the limit that completed before its cancel reached it is the best.
      expect(planRound(sweep, [trial(0, 'diverged'), trial(1, 'completed', 3)], late).finish).toEqual({
        status: 'completed',
        result: { reason: 'time_limit', message: 'The time limit of 1 s passed: 2 trials ended.' },
      });
    });
  });

  describe('a sweep that ends while trials are queued or running', () => {
    const base = { objective: { type: 'benchmark', name: 'booth', initial: [1, 2] }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } };
    const body = (extra: object) => ({ base, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, budget: { maxTrials: 10 }, ...extra });
    const failedTrial = (trialNumber: number): RoundTrial => ({ ...trial(trialNumber, 'failed'), result: { message: `trial ${trialNumber} could not run` } });
    const late = new Date(startedAt.getTime() + 2000);
    /** As stored before submissions refused an index past the end of an array. */
    const pastTheEnd = (() => {
      const sweep = sweepRow(body({ parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 }, 'objective.initial.1': { type: 'float', low: 0, high: 1 } } }));
      const { 'objective.initial.1': definition, ...parameters } = (sweep.spec as SweepSpec).parameters;
      return { ...sweep, spec: { ...(sweep.spec as SweepSpec), parameters: { ...parameters, 'objective.initial.99999999': definition } } };
    })();
    // Each ending, with the trials that decide it (all ended), and why a queued trial it cancels was cancelled.
    const endings: [string, SweepRow, RoundTrial[], Date, string][] = [
      ['target_reached', sweepRow(body({ metric: { name: 'bestLoss', target: 0.5 } })), [trial(0, 'completed', 0.1)], startedAt, 'a trial of its sweep reached metric.target'],
      ['too_many_failures', sweepRow(body({ budget: { maxTrials: 10, maxFailedTrials: 0 } })), [failedTrial(0)], startedAt, 'too many trials of its sweep failed'],
      ['too_many_failures', sweepRow(body({})), Array.from({ length: 10 }, (_, n) => failedTrial(n)), startedAt, 'too many trials of its sweep failed'],
      ['time_limit', sweepRow(body({ budget: { maxTrials: 10, timeLimitSeconds: 1 } })), [trial(0, 'completed', 1)], late, "its sweep's time limit passed"],
      ['refused_spec', pastTheEnd, [trial(0, 'completed', 1)], startedAt, "its sweep's spec is refused as a submission would be now"],
    ];

    it.each(endings)('%s: starts no trial and stops the queued and running ones, saying why, and ends once every trial has ended', (reason, sweep, ended, now, why) => {
      const next = ended.length;
      for (const unended of [[trial(next, 'running')], [trial(next, 'queued')], [trial(next, 'running'), trial(next + 1, 'queued')]]) {
        expect(planRound(sweep, [...ended, ...unended], now)).toEqual({ newTrials: [], finish: null, stop: { reason, why } });
      }
      for (const status of ['cancelled', 'completed', 'diverged', 'failed'] as const) {
        expect(planRound(sweep, [...ended, trial(next, status, status === 'completed' ? 2 : null)], now).finish?.result).toMatchObject({ reason });
      }
    });

    it('ends with the ending that stopped its trials, whatever else came to hold while they ended: how they ended counts within it', () => {
      const sweep = sweepRow(body({ metric: { name: 'finalLoss', target: 0.5 }, budget: { maxTrials: 10, maxFailedTrials: 0, timeLimitSeconds: 1 } }));
      expect(planRound(sweep, [failedTrial(0), trial(1, 'running')], startedAt)).toEqual({
        newTrials: [], finish: null, stop: { reason: 'too_many_failures', why: 'too many trials of its sweep failed' },
      });
      // The round stored why (SweepRow.stopping). The running trial reached the target before its
      // cancel reached it, and the time limit passed meanwhile: the sweep failed for its failures
      // all the same, as its queued trials' cancels said (the trial is its best: see `best`).
      const stoppedForFailures = { ...sweep, stopping: 'too_many_failures' as const };
      expect(planRound(stoppedForFailures, [failedTrial(0), trial(1, 'completed', 0.3)], late).finish).toEqual({
        status: 'failed', result: { reason: 'too_many_failures', message: '1 trial failed, more than maxFailedTrials (0). The last: trial 0 could not run' },
      });
      // One stopped at its time limit, whose trial reached the target meanwhile, completed at its time limit.
      const stoppedAtItsLimit = sweepRow(body({ metric: { name: 'finalLoss', target: 0.5 }, budget: { maxTrials: 10, timeLimitSeconds: 1 } }));
      expect(planRound({ ...stoppedAtItsLimit, stopping: 'time_limit' }, [trial(0, 'completed', 2), trial(1, 'completed', 0.3)], late).finish).toEqual({
        status: 'completed', result: { reason: 'time_limit', message: 'The time limit of 1 s passed: 2 trials ended.' },
      });
      // One stopped for its refused spec fails so, though its time limit passed while it waited.
      const refusedWithALimit = { ...pastTheEnd, spec: { ...pastTheEnd.spec, budget: { maxTrials: 10, timeLimitSeconds: 1 } } };
      expect(planRound(refusedWithALimit, [trial(0, 'running')], startedAt)).toMatchObject({ finish: null, stop: { reason: 'refused_spec' } });
      expect(planRound({ ...refusedWithALimit, stopping: 'refused_spec' }, [trial(0, 'completed', 1)], late).finish).toMatchObject({
        status: 'failed', result: { reason: 'refused_spec', message: expect.stringContaining('parameters["objective.initial.99999999"]') },
      });
      // With none stopped for yet, a round that finds several holding stops for the strongest: target_reached, too_many_failures, time_limit, refused_spec.
      expect(planRound(sweep, [failedTrial(0), trial(1, 'completed', 0.3), trial(2, 'running')], late)).toMatchObject({ stop: { reason: 'target_reached' } });
      expect(planRound(sweep, [failedTrial(0), trial(1, 'running')], late)).toMatchObject({ stop: { reason: 'too_many_failures' } });
      expect(planRound(refusedWithALimit, [trial(0, 'running')], late)).toMatchObject({ stop: { reason: 'time_limit' } });
    });

    it('names the best trial that reached the target, as the leaderboard ranks them', () => {
      // The best of those that reached it, as the leaderboard ranks them (its value, then its number), whatever order they ended in.
      const trials = [trial(0, 'completed', 0.4), trial(1, 'completed', 0.2), trial(2, 'completed', 0.9), trial(3, 'early_stopped', 0.2)];
      expect(planRound(sweepRow(body({ metric: { name: 'finalLoss', target: 0.5 } })), trials, startedAt).finish?.result).toEqual({ reason: 'target_reached', message: 'Trial 1 reached finalLoss 0.2 (target 0.5).' });
      const accuracy = sweepRow(body({ metric: { name: 'valAccuracy', target: 0.8 } }));
      expect(planRound(accuracy, [trial(0, 'completed', 0.85), trial(1, 'completed', 0.95), trial(2, 'completed', 0.5)], startedAt).finish?.result)
        .toEqual({ reason: 'target_reached', message: 'Trial 1 reached valAccuracy 0.95 (target 0.8).' });
    });

    it('lets the trials of a spent budget run to their ends: it neither stops them nor ends', () => {
      const sweep = sweepRow(body({ budget: { maxTrials: 2 } }));
      expect(planRound(sweep, [trial(0, 'completed', 1), trial(1, 'running')], startedAt)).toEqual({ newTrials: [], finish: null });
    });
  });

  describe('a sweep that ends with no best trial', () => {
    it('ends completed only with a trial whose value ranks, and with no_trial_finished or no_best_trial only without one (as the description of `best` says)', () => {
      const sweep = sweepRow({
        base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
        parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
        metric: { name: 'bestLoss', target: 0.001 },
        budget: { timeLimitSeconds: 1, maxTrials: 3, maxFailedTrials: 2 },
      });
      const kinds: RoundTrial[] = [
        trial(0, 'completed', 1), trial(0, 'completed', 0.0001), trial(0, 'completed', null), trial(0, 'completed', Infinity), trial(0, 'early_stopped', 2),
        trial(0, 'diverged', 3), trial(0, 'diverged'), trial(0, 'pruned', 1), { ...trial(0, 'failed'), result: { message: 'no' } }, trial(0, 'cancelled'), trial(0, 'running'), trial(0, 'queued'),
      ];
      const ranks = (t: RoundTrial) => ['completed', 'early_stopped', 'diverged'].includes(t.status) && t.value !== null && Number.isFinite(t.value);
      for (const a of kinds) for (const b of kinds) for (const c of kinds) {
        const trials = [a, b, c].map((t, i) => ({ ...t, trialNumber: i, runId: `run-${i}` }));
        for (const now of [startedAt, new Date(startedAt.getTime() + 2000)]) {
          const { finish } = planRound(sweep, trials, now);
          // Nor does it end while a trial is queued or running: it stops them first.
          if (trials.some((t) => t.status === 'running' || t.status === 'queued')) expect(finish, JSON.stringify(trials)).toBeNull();
          if (finish?.status === 'completed') expect(trials.some(ranks), JSON.stringify(trials)).toBe(true);
          const reason = (finish?.result as { reason?: string } | undefined)?.reason;
          if (reason === 'no_trial_finished' || reason === 'no_best_trial') expect(trials.some(ranks), JSON.stringify(trials)).toBe(false);
        }
      }
    });

    const body = (budget: object) => ({
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      budget,
    });
    const late = new Date(startedAt.getTime() + 2000);

    it('fails past its time limit when every trial was cancelled, saying that none finished and how many were cancelled', () => {
      const sweep = sweepRow(body({ timeLimitSeconds: 1, maxTrials: 10 }));
      expect(planRound(sweep, [trial(0, 'cancelled'), trial(1, 'cancelled')], late).finish).toEqual({
        status: 'failed',
        result: { reason: 'no_trial_finished', message: 'The time limit of 1 s passed before any trial finished, so the sweep has no best trial; its 2 trials were cancelled.' },
      });
      expect(planRound(sweep, [trial(0, 'cancelled')], late).finish?.result).toMatchObject({ message: expect.stringMatching(/; its 1 trial was cancelled\.$/) });
    });

    it('fails past its time limit when no trial has a finite value that ranks, counting them by status', () => {
      const sweep = sweepRow(body({ timeLimitSeconds: 1, maxTrials: 10 }));
      expect(planRound(sweep, [trial(0, 'diverged'), trial(1, 'pruned', 3), trial(2, 'cancelled')], late).finish).toEqual({
        status: 'failed',
        result: {
          reason: 'no_best_trial',
          message: 'The time limit of 1 s passed: 2 trials ended, 1 trial was cancelled. '
            + 'No trial ran to its end with a finite value of bestLoss (1 diverged, 1 pruned, 1 cancelled), so the sweep has no best trial.',
        },
      });
    });

    it('fails once its budget is spent when every trial diverged, or was pruned, or a value was infinite', () => {
      const sweep = sweepRow(body({ maxTrials: 3 }));
      expect(planRound(sweep, [trial(0, 'diverged'), trial(1, 'diverged'), trial(2, 'diverged')], startedAt).finish).toEqual({
        status: 'failed',
        result: { reason: 'no_best_trial', message: 'All 3 trials of the budget finished. No trial ran to its end with a finite value of bestLoss (3 diverged), so the sweep has no best trial.' },
      });
      expect(planRound(sweep, [trial(0, 'pruned', 1), trial(1, 'pruned', 2), trial(2, 'completed', Infinity)], startedAt).finish)
        .toMatchObject({ status: 'failed', result: { reason: 'no_best_trial', message: expect.stringContaining('(2 pruned, 1 completed)') } });
      // One trial with a finite value is a best.
      expect(planRound(sweep, [trial(0, 'diverged'), trial(1, 'pruned', 2), trial(2, 'diverged', 5)], startedAt).finish)
        .toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' } });
    });

    it('is cancelled, not failed, when a client cancelled every trial until its budget or grid was spent, saying so', () => {
      const byClient = (trialNumber: number): RoundTrial => ({ ...trial(trialNumber, 'cancelled'), result: { stopReason: 'cancelled' } });
      expect(planRound(sweepRow(body({ maxTrials: 3 })), [0, 1, 2].map(byClient), startedAt).finish).toEqual({
        status: 'cancelled',
        result: { reason: 'trials_cancelled', message: 'All 3 trials were cancelled by a client before they finished, so the sweep has no best trial.' },
      });
      const grid = sweepRow({ ...body({}), parameters: { 'optimizer.learningRate': { type: 'float', values: [0.1] } }, sampler: { type: 'grid' } });
      expect(planRound(grid, [byClient(0)], startedAt).finish).toEqual({
        status: 'cancelled',
        result: { reason: 'trials_cancelled', message: 'Its 1 trial was cancelled by a client before it finished, so the sweep has no best trial.' },
      });
      // One the service stopped (the tenant's metric rows quota), or one that ended otherwise, among them: it has failed with no best trial.
      const quota: RoundTrial = { ...trial(2, 'cancelled'), result: { stopReason: 'metric_rows_quota' } };
      expect(planRound(sweepRow(body({ maxTrials: 3 })), [byClient(0), byClient(1), quota], startedAt).finish)
        .toMatchObject({ status: 'failed', result: { reason: 'no_best_trial', message: expect.stringContaining('(3 cancelled)') } });
      expect(planRound(sweepRow(body({ maxTrials: 3 })), [byClient(0), byClient(1), trial(2, 'diverged')], startedAt).finish)
        .toMatchObject({ status: 'failed', result: { reason: 'no_best_trial', message: expect.stringContaining('(2 cancelled, 1 diverged)') } });
      // At its time limit every trial cancelled is no trial finished, whoever cancelled them.
      expect(planRound(sweepRow(body({ timeLimitSeconds: 1, maxTrials: 3 })), [0, 1, 2].map(byClient), late).finish?.result).toMatchObject({ reason: 'no_trial_finished' });
      // A sweep stored before the failure rules ends as its budget says.
      expect(planRound({ ...sweepRow(body({ maxTrials: 3 })), failureRules: false }, [0, 1, 2].map(byClient), startedAt).finish)
        .toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' } });
    });

    it('fails with too_many_failures when every trial failed, whether its budget or its time limit was spent', () => {
      const failedTrial = (trialNumber: number): RoundTrial => ({ ...trial(trialNumber, 'failed'), result: { message: `trial ${trialNumber} could not run` } });
      const expected = { status: 'failed', result: { reason: 'too_many_failures', message: 'All 2 trials failed, so the sweep has no best trial. The last: trial 1 could not run' } };
      expect(planRound(sweepRow(body({ maxTrials: 2 })), [failedTrial(0), failedTrial(1)], startedAt).finish).toEqual(expected);
      expect(planRound(sweepRow(body({ timeLimitSeconds: 1, maxTrials: 10 })), [failedTrial(0), failedTrial(1)], late).finish).toEqual(expected);
    });

    it('ends a sweep stored before the failure rules as its budget or time limit says, with why it has no best trial', () => {
      const old = { ...sweepRow(body({ timeLimitSeconds: 1, maxTrials: 2 })), failureRules: false };
      expect(planRound(old, [trial(0, 'cancelled')], late).finish).toEqual({
        status: 'completed',
        result: {
          reason: 'time_limit',
          message: 'The time limit of 1 s passed: 1 trial was cancelled. No trial ran to its end with a finite value of bestLoss (1 cancelled), so the sweep has no best trial.',
        },
      });
      expect(planRound(old, [trial(0, 'diverged'), trial(1, 'diverged')], startedAt).finish).toMatchObject({
        status: 'completed',
        result: { reason: 'budget_exhausted', message: 'All 2 trials of the budget finished. No trial ran to its end with a finite value of bestLoss (2 diverged), so the sweep has no best trial.' },
      });
    });
  });

  describe('failed trials', () => {
    const failedTrial = (trialNumber: number): RoundTrial => ({ ...trial(trialNumber, 'failed'), result: { message: `trial ${trialNumber} could not run` } });
    const body = (budget: object) => ({
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      budget,
    });

    it('end a sweep without maxFailedTrials failed once 10 in a row have failed, in the order of their numbers, naming the rule', () => {
      const sweep = sweepRow(body({ maxTrials: 100 }));
      // Trial 0 completed; 1 … 10 failed (10 in a row), finishing out of order beside a running trial 11.
      const trials = [trial(0, 'completed', 1), ...[3, 1, 2, 4, 5, 6, 7, 8, 10, 9].map(failedTrial), trial(11, 'running')];
      // Trial 11 is told to stop first; the sweep ends once it has ended.
      expect(planRound(sweep, trials, startedAt)).toEqual({ newTrials: [], finish: null, stop: { reason: 'too_many_failures', why: 'too many trials of its sweep failed' } });
      expect(planRound(sweep, [...trials.slice(0, -1), trial(11, 'cancelled')], startedAt).finish).toEqual({
        status: 'failed',
        result: {
          reason: 'too_many_failures',
          message: '10 trials failed in a row (budget.maxFailedTrials is not given: a sweep stops after 10 failed trials in a row). The last: trial 10 could not run',
        },
      });
      // Nine in a row after a completed one, or ten with a completed one among them, go on.
      expect(planRound(sweep, [trial(0, 'completed', 1), ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(failedTrial)], startedAt).finish).toBeNull();
      expect(planRound(sweep, [...[0, 1, 2, 3, 4].map(failedTrial), trial(5, 'completed', 1), ...[6, 7, 8, 9, 10].map(failedTrial)], startedAt).finish).toBeNull();
      // maxFailedTrials given is the only bound.
      expect(planRound(sweepRow(body({ maxTrials: 100, maxFailedTrials: 20 })), trials, startedAt).finish).toBeNull();
    });

    it('count 10 in a row over consecutive trial numbers, each final and failed: an unfinished or cancelled trial among them breaks the run', () => {
      const sweep = sweepRow({ ...body({ maxTrials: 100 }), parallelism: 8 });
      const around = (status: RoundTrial['status']) => [...[0, 1, 2, 3, 4].map(failedTrial), trial(5, status), ...[6, 7, 8, 9, 10].map(failedTrial)];
      for (const status of ['running', 'queued', 'cancelled'] as const) {
        const plan = planRound(sweep, around(status), startedAt);
        expect(plan.finish, status).toBeNull();
      }
      // The run after it reaches 10 on its own: the trial among them is told to stop, and the sweep ends once it has ended.
      expect(planRound(sweep, [...around('running'), ...[11, 12, 13, 14, 15].map(failedTrial)], startedAt)).toMatchObject({ finish: null, stop: { why: expect.any(String) } });
      expect(planRound(sweep, [...around('cancelled'), ...[11, 12, 13, 14, 15].map(failedTrial)], startedAt).finish).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' } });
    });

    it('leave a sweep stored before the failure rules without a failure limit, ending as its budget says', () => {
      const old = { ...sweepRow(body({ maxTrials: 12 })), failureRules: false };
      const failed = Array.from({ length: 11 }, (_, number) => failedTrial(number));
      expect(planRound(old, failed, startedAt)).toMatchObject({ finish: null, newTrials: [expect.objectContaining({ trialNumber: 11 })] });
      expect(planRound(old, [...failed, failedTrial(11)], startedAt).finish).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' } });
      expect(planRound({ ...old, failureRules: true }, [...failed, failedTrial(11)], startedAt).finish).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' } });
    });

    it('end a sweep whose every trial failed failed, not completed, whatever maxFailedTrials allows', () => {
      const sweep = sweepRow(body({ maxTrials: 3, maxFailedTrials: 5 }));
      expect(planRound(sweep, [0, 1, 2].map(failedTrial), startedAt).finish).toEqual({
        status: 'failed',
        result: { reason: 'too_many_failures', message: 'All 3 trials failed, so the sweep has no best trial. The last: trial 2 could not run' },
      });
      expect(planRound(sweep, [failedTrial(0), trial(1, 'completed', 1), failedTrial(2)], startedAt).finish).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' } });
    });

    it('stop the round creating trials once 10 in a row failed as their specs did not validate', () => {
      // Every trial's parallel block lacks its replicas.
      const sweep = sweepRow({ ...body({ maxTrials: 100 }), parameters: { 'parallel.algorithm': { type: 'categorical', values: ['easgd', 'downpour'] } }, sampler: { type: 'random' }, parallelism: 4 });
      const plan = planRound(sweep, [], startedAt);
      expect(plan.newTrials.length).toBe(10);
      expect(plan.newTrials.every((created) => created.failure !== null)).toBe(true);
      expect(planRound(sweep, plan.newTrials.map((created) => failedTrial(created.trialNumber)), startedAt).finish).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' } });
    });
  });

  it('ends a sweep stored with an index past the end of an array failed, naming the parameter, without writing that index into any trial', () => {
    const sweep = sweepRow({
      base: { objective: { type: 'benchmark', name: 'booth', initial: [1, 2] }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 }, 'objective.initial.1': { type: 'float', low: 0, high: 1 } },
      budget: { maxTrials: 10 },
    });
    // As stored before submissions refused it.
    const spec = sweep.spec as SweepSpec;
    const { 'objective.initial.1': definition, ...parameters } = spec.parameters;
    const stored = { ...sweep, spec: { ...spec, parameters: { ...parameters, 'objective.initial.99999999': definition } } };
    const plan = planRound(stored, [], startedAt);
    expect(plan.finish).toEqual({
      status: 'failed',
      result: {
        reason: 'refused_spec',
        message: 'The sweep\'s spec is refused as a submission would be now, and it creates no trials: parameters["objective.initial.99999999"]: '
          + 'Index 99999999 is past the end of base.objective.initial (2 entries with the parameters before it): a parameter sets an entry or appends one.',
      },
    });
    expect(plan.newTrials.length).toBe(0);
  });

  it('leaves to another round the trials whose suggestions would take the round past its share of work', () => {
    // TPE over 7,000 candidates of 64 parameters, after 40 trials: about 5.5·10⁷ densities' work a suggestion, more than half the share.
    const sweep = sweepRow({
      base: { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }])),
      sampler: { type: 'tpe', seed: 5, nEiCandidates: 7000 },
      budget: { maxTrials: 100 },
      parallelism: 4,
    });
    const done = Array.from({ length: 40 }, (_, trialNumber): RoundTrial => ({
      runId: `run-${trialNumber}`, trialNumber, status: 'completed', value: trialNumber % 7,
      parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, Math.sin(trialNumber * 64 + i)])), result: null,
    }));
    const plan = planRound(sweep, done, startedAt);
    expect(plan.newTrials.map((trial) => [trial.trialNumber, trial.failure])).toEqual([[40, null]]);
    expect(plan.more).toBe(true);
    // The next round makes the next.
    const running = { runId: 'run-40', trialNumber: 40, status: 'queued', value: null, parameters: plan.newTrials[0].parameters, result: null } as const;
    expect(planRound(sweep, [...done, running], startedAt).newTrials.map((trial) => trial.trialNumber)).toEqual([41]);
  });

  it("ends a TPE sweep stored with suggestions over the work limit failed, with its submission's message, without a trial", () => {
    const body = (nEiCandidates: number) => ({
      base: { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }])),
      sampler: { type: 'tpe', seed: 5, nEiCandidates },
      budget: { maxTrials: 100 },
    });
    const submitted = sweepSpecSchema.safeParse(body(10_000));
    expect(submitted.success).toBe(false);
    const issue = submitted.error!.issues[0];
    expect(issue.path).toEqual(['sampler', 'nEiCandidates']);
    // As stored before submissions bounded the work.
    const sweep = sweepRow(body(24));
    const spec = sweep.spec as SweepSpec;
    const stored = { ...sweep, spec: { ...spec, sampler: { ...spec.sampler, nEiCandidates: 10_000 } } };
    const plan = planRound(stored, [], startedAt);
    expect(plan.finish).toEqual({
      status: 'failed',
      result: { reason: 'refused_spec', message: `The sweep's spec is refused as a submission would be now, and it creates no trials: sampler.nEiCandidates: ${issue.message}` },
    });
    expect(plan.newTrials.length).toBe(0);
    // The same sweep within the limit makes its trials.
    expect(planRound(sweep, [], startedAt)).toMatchObject({ finish: null, newTrials: { length: 4 } });
  });
});

describe("a round's samplers over pruned trials", () => {
  const sweep = sweepRow({
    base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
    parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 1, log: true } },
    sampler: { type: 'tpe', seed: 3, startupTrials: 2, gamma: 0.5 },
    budget: { maxTrials: 20 },
    parallelism: 1,
  });
  /** One completed trial and four pruned at step 50: `value` gives a pruned trial's value of the metric, `compared` what its pruner compared. */
  const trials = (value: (n: number) => number, compared: (n: number) => number): RoundTrial[] => [
    { runId: 'run-0', trialNumber: 0, status: 'completed', value: 0.5, parameters: { 'optimizer.learningRate': 0.3 }, result: null },
    ...[1, 2, 3, 4].map((n): RoundTrial => ({
      runId: `run-${n}`, trialNumber: n, status: 'pruned', value: value(n), parameters: { 'optimizer.learningRate': 10 ** -n },
      result: { pruning: { rule: 'median', step: 50, value: compared(n) } },
    })),
  ];
  const suggested = (given: RoundTrial[]) => planRound(sweep, given, startedAt).newTrials.map((trial) => trial.parameters);

  it('sees a pruned trial as Optuna does, by the value its pruner compared at its step, whatever its value of the metric', () => {
    // The good half (⌈0.5·5⌉ = 3: the completed trial and the two best pruned ones) is the same
    // whichever values of the metric the pruned trials have, even in the opposite order.
    const byCompared = suggested(trials((n) => n, (n) => n));
    expect(suggested(trials((n) => -n, (n) => n))).toEqual(byCompared);
    expect(suggested(trials(() => Number.NaN, (n) => n))).toEqual(byCompared);
    // The values compared decide it.
    expect(suggested(trials((n) => n, (n) => -n))).not.toEqual(byCompared);
  });
});

describe("the metric rows bound of a round's new trials", () => {
  const base = {
    objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } },
    optimizer: { name: 'sgd', learningRate: 0.1 },
    training: { epochs: 3, batchSize: 8 },
    record: { every: 1 },
  };
  /** What the API stores of `spec`'s objective, built with `rows` rows of data, all of them training rows: none for a function. */
  const built = (spec: { objective: object }, rows: number | null) =>
    baseObjectiveOf(runSpecSchema.parse(spec).objective, { trainingRows: rows, dataRows: rows });
  const plan = (body: object, baseObjective: SweepRow['baseObjective']) =>
    planRound(sweepRow({ sampler: { type: 'grid' }, parallelism: 16, ...body }, baseObjective), [], startedAt).newTrials;
  const bounds = (body: object, baseObjective: SweepRow['baseObjective']) => plan(body, baseObjective).map((created) => created.metricRowsBound);

  it("counts each trial's epochs' ticks over the base's training rows, for runs of their own and parallel ones", () => {
    // 40 rows in batches of 8 or 4: 5 or 10 updates an epoch.
    expect(bounds({ base, parameters: { 'training.batchSize': { type: 'int', values: [8, 4] } } }, built(base, 40))).toEqual([15, 30]);
    // 2 or 4 replicas: shards of 20 or 10 rows, 3 or 2 batches of 8.
    const parallel = { ...base, parallel: { algorithm: 'downpour', replicas: 2, execution: 'concurrent' } };
    expect(bounds({ base: parallel, parameters: { 'parallel.replicas': { type: 'int', values: [2, 4] } } }, built(parallel, 40))).toEqual([18, 24]);
    // A function: each of a replica's steps is an epoch.
    const booth = { ...parallel, objective: { type: 'benchmark', name: 'booth' } };
    expect(bounds({ base: booth, parameters: { 'parallel.replicas': { type: 'int', values: [1, 3] } } }, built(booth, null))).toEqual([3, 9]);
    // A stored objective: the trials train on the base's.
    const stored = { ...base, objective: { id: 'objective' } };
    expect(bounds({ base: stored, parameters: { 'training.batchSize': { type: 'int', values: [8, 4] } } }, built(stored, 40))).toEqual([15, 30]);
  });

  it("counts the training rows of a trial a parameter gives another model on the base's data, as its objective splits them", () => {
    // l2 leaves the rows as they are: 5 updates an epoch.
    expect(bounds({ base, parameters: { 'objective.l2': { type: 'float', values: [0.001, 0.01, 0.1] } } }, built(base, 40))).toEqual([15, 15, 15]);
    // So do an mlp's layers, activation, batch normalization, output and seed.
    const mlp = { ...base, objective: { ...base.objective, model: 'mlp', hidden: [4] } };
    const layers = {
      'objective.hidden.0': { type: 'int', values: [4, 16] },
      'objective.activation': { type: 'categorical', values: ['relu', 'tanh', 'sigmoid'] },
      'objective.batchNormalization': { type: 'categorical', values: [false, true] },
    };
    expect(bounds({ base: mlp, parameters: layers }, built(mlp, 40))).toEqual(Array(12).fill(15));
    const outputs = { 'objective.output': { type: 'categorical', values: ['softmax', 'logistic'] }, 'objective.seed': { type: 'int', values: [1, 2] } };
    expect(bounds({ base: mlp, parameters: outputs }, built(mlp, 40))).toEqual([15, 15, 15, 15]);
    // A validation split holds out round(40·f) rows: 30 and 20 remain, 4 and 3 batches of 8.
    const bySplit = (body: object, baseObjective: SweepRow['baseObjective']) =>
      Object.fromEntries(plan(body, baseObjective).map((created) => [created.parameters['objective.validationSplit'], created.metricRowsBound]));
    expect(bySplit({ base, parameters: { 'objective.validationSplit': { type: 'float', values: [0, 0.25, 0.5] } } }, built(base, 40))).toEqual({ 0: 15, 0.25: 12, 0.5: 9 });
    // Over a base that splits already, its data's 40 rows are split again (0.1 leaves 36 rows, 5 batches), not its 30 training rows.
    const split = { ...base, objective: { ...base.objective, validationSplit: 0.25 } };
    const splitBase = baseObjectiveOf(runSpecSchema.parse(split).objective, { trainingRows: 30, dataRows: 40 });
    expect(bySplit({ base: split, parameters: { 'objective.validationSplit': { type: 'float', values: [0.1, 0.25] } } }, splitBase)).toEqual({ 0.1: 15, 0.25: 12 });
  });

  it('counts the training rows of a sampled validation split', () => {
    const trials = plan({ base, parameters: { 'objective.validationSplit': { type: 'float', low: 0.05, high: 0.6 } }, sampler: { type: 'random', seed: 3 }, budget: { maxTrials: 8 } }, built(base, 40));
    expect(trials).toHaveLength(8);
    const held = trials.map((created) => Math.round(40 * (created.parameters['objective.validationSplit'] as number)));
    // Different splits leave different rows: 3 epochs of ⌈(40 − held out) / 8⌉ batches.
    expect(new Set(held.map((rows) => Math.ceil((40 - rows) / 8))).size).toBeGreaterThan(1);
    expect(trials.map((created) => created.metricRowsBound)).toEqual(held.map((rows) => 3 * Math.ceil((40 - rows) / 8)));
  });

  it("counts a trial on a function as its steps, whatever a parameter changes in it", () => {
    const quadratic = { ...base, objective: { type: 'benchmark', name: 'quadratic', dimensions: 3 }, training: { epochs: 7 } };
    const parameters = { 'objective.conditionNumber': { type: 'float', values: [10, 1000] }, 'objective.dimensions': { type: 'int', values: [3, 5] } };
    expect(bounds({ base: quadratic, parameters }, built(quadratic, null))).toEqual([7, 7, 7, 7]);
  });

  it("leaves a trial on other data, a sweep stored without its base's rows and a failed trial to their spec's bound", () => {
    // 40 rows are the base's data; 60 other data.
    expect(bounds({ base, parameters: { 'objective.data.rows': { type: 'int', values: [40, 60] } } }, built(base, 40))).toEqual([15, null]);
    const stored = { ...base, objective: { id: 'objective' } };
    expect(bounds({ base: stored, parameters: { 'objective.id': { type: 'categorical', values: ['objective', 'other'] } } }, built(stored, 40))).toEqual([15, null]);
    expect(bounds({ base, parameters: { 'objective.l2': { type: 'float', values: [0.1] } } }, null)).toEqual([null]);
    // A trial whose spec does not validate (a parallel block without its replicas) has no bound.
    expect(bounds({ base, parameters: { 'parallel.algorithm': { type: 'categorical', values: ['hogwild'] } } }, built(base, 40))).toEqual([null]);
  });
});
