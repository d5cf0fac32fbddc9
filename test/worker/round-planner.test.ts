/** Rounds planned in a thread when their suggestions take long: the same plans, the event loop free meanwhile. */
import { afterAll, describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpace, sweepSpecSchema, type SweepSpec } from '../../src/contracts/sweep-spec.ts';
import { createSampler, trialRandom, type ObservedTrial } from '../../src/core/sweep/index.ts';
import type { RoundPlan, RoundTrial } from '../../src/db/sweep-coordination.ts';
import type { SweepRow } from '../../src/db/sweeps.ts';
import { planRound } from '../../src/worker/sweeps/plan-round.ts';
import { createRoundPlanner } from '../../src/worker/sweeps/round-planner.ts';

const startedAt = new Date('2026-01-01T00:00:00Z');

function sweepRow(body: unknown): SweepRow {
  const spec = settleSweepSpec(sweepSpecSchema.parse(body), () => 1);
  return { id: 'sweep', tenantId: 'tenant', name: null, status: 'running', spec, result: null, idempotencyKey: null, createdAt: startedAt, updatedAt: startedAt, startedAt, finishedAt: null, baseObjective: null, failureRules: true, stopping: null };
}

/** The start of a 64-dimensional sphere searched by TPE over 1,000 candidates, 40 trials done: each suggestion scores about 3·10⁶ densities. */
function heavySweep(): { sweep: SweepRow; trials: RoundTrial[] } {
  const parameters = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }]));
  const sweep = sweepRow({
    base: { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
    parameters,
    sampler: { type: 'tpe', seed: 5, nEiCandidates: 1000 },
    budget: { maxTrials: 100 },
    parallelism: 2,
  });
  const random = createSampler({ type: 'random', seed: 5 }, sweepSpace(sweep.spec as SweepSpec));
  const observed: ObservedTrial[] = [];
  const trials = Array.from({ length: 40 }, (_, trialNumber): RoundTrial => {
    const values = random.suggest({ trialNumber, trials: observed, goal: 'minimize', random: trialRandom(5, trialNumber) });
    return { runId: `run-${trialNumber}`, trialNumber, status: 'completed', value: Math.cos(trialNumber), parameters: values, result: null };
  });
  return { sweep, trials };
}

describe('the round planner', () => {
  const planner = createRoundPlanner({ threads: 1 });
  afterAll(() => planner.close());

  it('plans a round of long suggestions in a thread, the event loop turning meanwhile, and the plan is the one planned here', async () => {
    const { sweep, trials } = heavySweep();
    let settled = false;
    const planned = planner.plan(sweep, trials, startedAt);
    expect(planned).toBeInstanceOf(Promise);
    const planning = (planned as Promise<RoundPlan>).finally(() => (settled = true));
    let turns = 0;
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
    expect(turns).toBeGreaterThan(1);
    const plan = await planning;
    expect(plan.newTrials.map((trial) => trial.trialNumber)).toEqual([40, 41]);
    expect(plan).toEqual(planRound(sweep, trials, startedAt));
  });

  it('plans a cheap round on the event loop', async () => {
    const sweep = sweepRow({
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      budget: { maxTrials: 10 },
    });
    // Answered at once: a plan, not a promise.
    const plan = planner.plan(sweep, [], startedAt);
    expect(plan).not.toBeInstanceOf(Promise);
    expect((plan as RoundPlan).newTrials).toHaveLength(4);
  });

  it('rejects with what planning threw in the thread, and plans the next round', async () => {
    const { sweep, trials } = heavySweep();
    const { budget: _budget, ...spec } = sweep.spec as SweepSpec;
    await expect(planner.plan({ ...sweep, spec }, trials, startedAt)).rejects.toThrow(/maxTrials/);
    expect((await planner.plan(sweep, trials, startedAt)).newTrials).toHaveLength(2);
  });

  it('rejects the rounds of a thread that ended, and starts another for the next', async () => {
    const exiting = new URL(`data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));")}`);
    const failing = createRoundPlanner({ threads: 1, url: exiting });
    try {
      const { sweep, trials } = heavySweep();
      await expect(failing.plan(sweep, trials, startedAt)).rejects.toThrow('the planning thread exited with code 3');
      await expect(failing.plan(sweep, trials, startedAt)).rejects.toThrow('the planning thread exited with code 3');
    } finally {
      await failing.close();
    }
  });
});
