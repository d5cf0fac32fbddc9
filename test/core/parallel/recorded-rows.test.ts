/**
 * What a run records against what its submission reserves (metricRowsBound from its spec and its
 * objective's training rows): runs that epochs end, single and parallel, on data and on a function,
 * run to their end, stopped early and resumed from a checkpoint, never record more rows than the
 * bound, and a run that goes to its last tick records all but at most one of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { parallelAlgorithmNames, type ParallelAlgorithmName } from '../../../src/core/parallel/index.ts';
import { optimizerOf, parallelOf } from './algorithm-settings.ts';
import { createObjective, isDataObjective } from '../../../src/core/objectives/index.ts';
import { iterateRun, type StepRecord } from '../../../src/core/training/index.ts';
import { metricRowsBound } from '../../../src/db/metric-rows-use.ts';

interface Case {
  readonly algorithm: ParallelAlgorithmName | null;
  readonly replicas: number;
  /** Rows of the builtin dataset; null: a function (booth). */
  readonly rows: number | null;
  readonly validationSplit: number;
  readonly batchSize: number | null;
  readonly epochs: number;
  readonly maxSteps: number | null;
  readonly every: number | null;
  readonly earlyStopping: boolean;
  /** Resume from a checkpoint taken after this many ticks (null: run in one go). */
  readonly resumeAt: number | null;
}

function specOf(c: Case) {
  const algorithm = c.algorithm ?? 'easgd';
  return runSpecSchema.parse({
    objective: c.rows === null
      ? { type: 'benchmark', name: 'booth' }
      : { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: c.rows, seed: 2 }, validationSplit: c.validationSplit },
    optimizer: c.algorithm === null ? { name: 'sgd', learningRate: 0.05 } : optimizerOf[algorithm],
    training: { epochs: c.epochs, seed: 3, ...(c.batchSize === null ? {} : { batchSize: c.batchSize }), ...(c.maxSteps === null ? {} : { maxSteps: c.maxSteps }) },
    ...(c.earlyStopping ? { earlyStopping: { monitor: 'loss', patience: 2, minDelta: 0.05 } } : {}),
    record: c.every === null ? {} : { every: c.every },
    ...(c.algorithm === null ? {} : { parallel: { algorithm, replicas: c.replicas, execution: 'simulated', ...parallelOf[algorithm] } }),
  } satisfies RunSpecInput);
}

/** The rows a worker stores: every record, an attempt resumed from a checkpoint storing those after it. */
function recordedRows(c: Case): { records: StepRecord[]; steps: number; stopReason: string } {
  const spec = specOf(c);
  if (c.resumeAt === null) {
    const run = iterateRun(spec);
    const records = [...run];
    return { records, steps: run.result!.steps, stopReason: run.result!.stopReason };
  }
  const first = iterateRun(spec);
  const before = first.advance({ maxSteps: c.resumeAt });
  if (first.done) return { records: before, steps: first.result!.steps, stopReason: first.result!.stopReason };
  const resumed = iterateRun(spec, { checkpoint: JSON.parse(JSON.stringify(first.checkpoint())) });
  const after = [...resumed];
  return { records: [...before, ...after], steps: resumed.result!.steps, stopReason: resumed.result!.stopReason };
}

/** The training rows the API reads off the objective it builds at submission (null for a function). */
function trainingRowsOf(c: Case): number | null {
  const objective = createObjective(specOf(c).objective as Parameters<typeof createObjective>[0]);
  return isDataObjective(objective) ? objective.trainingRows : null;
}

function check(c: Case): void {
  const spec = specOf(c);
  const bound = metricRowsBound(spec, trainingRowsOf(c))!;
  const { records, steps, stopReason } = recordedRows(c);
  const context = JSON.stringify({ c, bound, recorded: records.length, steps, stopReason });
  expect(new Set(records.map((record) => record.step)).size, context).toBe(records.length);
  expect(records.length, context).toBeLessThanOrEqual(bound);
  // A run that its epochs (or maxSteps) end makes the ticks the bound counts, and records all but one of its rows at most.
  if (stopReason === 'max_steps') {
    expect(metricRowsBound({ ...spec, record: { every: 1 } }, trainingRowsOf(c)), context).toBe(steps);
    expect(bound - records.length, context).toBeLessThanOrEqual(1);
  }
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    algorithm: fc.option(fc.constantFrom(...parallelAlgorithmNames), { nil: null, freq: 4 }),
    replicas: fc.integer({ min: 1, max: 5 }),
    rows: fc.option(fc.integer({ min: 8, max: 70 }), { nil: null, freq: 5 }),
    validationSplit: fc.constantFrom(0, 0.2),
    batchSize: fc.option(fc.integer({ min: 1, max: 24 }), { nil: null }),
    epochs: fc.integer({ min: 1, max: 4 }),
    maxSteps: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null, freq: 4 }),
    every: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
    earlyStopping: fc.boolean(),
    resumeAt: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }),
  })
  .map((c) => ({ ...c, replicas: c.algorithm === null ? 1 : c.replicas }));

describe("a run's recorded rows against its metric rows bound", () => {
  it('never exceed it, for runs that epochs end: single and parallel (every algorithm), on data and on a function, whatever ends them, resumed or not', () => {
    fc.assert(fc.property(caseArbitrary, check), { numRuns: 300, seed: 20261207 });
  });

  // p·E·⌈n₀/B⌉ ticks (PRODUCT), each recorded: n₀ is replica 0's shard, the largest.
  const table: { case: Partial<Case>; ticks: number }[] = [
    // 40 rows over 3 replicas: shards of 14, 13, 13; ⌈14/8⌉ = 2 batches; 3·3·2 = 18 ticks.
    { case: { algorithm: 'easgd', replicas: 3, rows: 40, batchSize: 8, epochs: 3 }, ticks: 18 },
    // The same rows in one run: ⌈40/8⌉ = 5 batches, 15 updates.
    { case: { algorithm: null, replicas: 1, rows: 40, batchSize: 8, epochs: 3 }, ticks: 15 },
    // Full batches: one per replica an epoch.
    { case: { algorithm: 'hogwild', replicas: 4, rows: 40, batchSize: null, epochs: 5 }, ticks: 20 },
    // Batches of one over shards of 10: 4·2·10 ticks.
    { case: { algorithm: 'downpour', replicas: 4, rows: 40, batchSize: 1, epochs: 2 }, ticks: 80 },
    // A function: each replica's step is an epoch of its own.
    { case: { algorithm: 'adaptive-revision', replicas: 3, rows: null, batchSize: null, epochs: 7 }, ticks: 21 },
    // maxSteps below the epochs' ticks ends it first.
    { case: { algorithm: 'easgd', replicas: 3, rows: 40, batchSize: 8, epochs: 3, maxSteps: 10 }, ticks: 10 },
  ];
  const defaults: Case = { algorithm: null, replicas: 1, rows: 40, validationSplit: 0, batchSize: null, epochs: 1, maxSteps: null, every: 1, earlyStopping: false, resumeAt: null };

  it.each(table)('bounds $case.algorithm over $case.rows rows, $case.replicas replicas, batches of $case.batchSize, $case.epochs epochs by its $ticks ticks', ({ case: partial, ticks }) => {
    const c = { ...defaults, ...partial };
    expect(metricRowsBound(specOf(c), trainingRowsOf(c))).toBe(ticks);
    const { records, steps } = recordedRows(c);
    expect(steps).toBe(ticks);
    expect(records.map((record) => record.step)).toEqual(Array.from({ length: ticks }, (_, i) => i + 1));
    // Without its data, the spec's bound: 10⁹ updates when epochs end the run.
    if (c.maxSteps === null) expect(metricRowsBound(specOf(c))).toBe(1e9);
  });
});
