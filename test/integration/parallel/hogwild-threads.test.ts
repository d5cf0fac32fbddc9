/**
 * Concurrent hogwild: worker threads over one SharedArrayBuffer, driven like the core's loop by
 * the CLI and the worker. Not bit-reproducible (the interleaving is the machine's), so the checks
 * are on what must hold whatever the interleaving.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { createObjective, isDataObjective, objectiveSpecSchema } from '../../../src/core/objectives/index.ts';
import { metricRowsBound } from '../../../src/db/metric-rows-use.ts';
import { iterateRun, type RunLoop, type StepRecord } from '../../../src/core/training/index.ts';
import { ConcurrentHogwildRun, type ConcurrentHogwildOptions } from '../../../src/hogwild/concurrent-hogwild.ts';
import type { RecordReader } from '../../../src/hogwild/record-ring.ts';
import { toSharedDataset } from '../../../src/hogwild/shared-data.ts';
import { builtinDatasetSchema, generateBuiltinDataset } from '../../../src/core/datasets/index.ts';
import { runResultSchema } from '../../../src/contracts/run-result.ts';
import { counted } from '../../../src/core/counted.ts';
import { isFinal, postRun, startTestWorker, storedMetrics, useTestApi, waitForRun } from '../runs/support.ts';

const sparseText = { type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows: 3000, seed: 4 }, validationSplit: 0.1 } as const;

const spec = (overrides: Partial<RunSpecInput> = {}) => ({
  objective: sparseText,
  optimizer: { name: 'sgd', learningRate: 0.05 },
  training: { maxSteps: 12_000, batchSize: 1, seed: 2 },
  record: { every: 1000 },
  parallel: { algorithm: 'hogwild', replicas: 2, execution: 'concurrent' },
  ...overrides,
}) as RunSpecInput;

/** Rosenbrock's function from (−1.5, 2), on 2 threads unless `overrides` say otherwise. */
const rosenbrockSpec = (overrides: Partial<RunSpecInput>) => ({
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  parallel: { algorithm: 'hogwild', replicas: 2, execution: 'concurrent' },
  ...overrides,
}) as RunSpecInput;

/** `expression` of x from `initial` by SGD on one thread, every step recorded. */
const oneVariable = (expression: string, initial: number, learningRate: number, maxSteps: number): RunSpecInput => ({
  objective: { type: 'expression', expression, variables: ['x'], initial: [initial] },
  optimizer: { name: 'sgd', learningRate },
  training: { maxSteps, seed: 2 },
  record: { every: 1 },
  parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' },
});

function start(input: RunSpecInput, options: Partial<ConcurrentHogwildOptions> = {}) {
  const config = runSpecSchema.parse(input);
  return new ConcurrentHogwildRun(config, objectiveSpecSchema.parse(input.objective), { clock: () => performance.now(), maximumThreads: 2, ...options });
}

/** Each thread of a run as its ring shows it: publishing, waiting for the coordinator to free a slot, or done. */
const threadStates = (run: ConcurrentHogwildRun) => (run as unknown as { reader: RecordReader }).reader.threadStates();

/** A run whose thread that makes recorded update `step` waits before it, until `release`, as a descheduled thread does. */
function startHeld(input: RunSpecInput, step: number, options: Partial<ConcurrentHogwildOptions> = {}) {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const run = start(input, { ...options, hold: { step, gate } });
  // The first call starts the threads.
  const records = run.advance({ deadline: performance.now() });
  return {
    run,
    records,
    gate,
    held: () => Atomics.load(gate, 0) === 1,
    release: () => {
      Atomics.store(gate, 0, 2);
      Atomics.notify(gate, 0);
    },
  };
}

/** Waits, however long the machine takes, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The multiples of `every` up to `last`. */
const named = (every: number, last: number) => Array.from({ length: Math.floor(last / every) }, (_, i) => every * (i + 1));

/**
 * A run of 3,000 updates recording every 10th, cancelled once its threads made every update while
 * the coordinator took 3 rows (the first call starts the threads): the rest wait in the rings.
 */
async function cancelledBehind(): Promise<{ run: ConcurrentHogwildRun; records: StepRecord[] }> {
  const run = start(spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 } }));
  const records = run.advance({ deadline: performance.now(), maxSteps: 30 });
  await until(() => threadStates(run).every((state) => state === 'done'));
  run.cancel();
  return { run, records };
}

/** Drives a run as `descent run` does, in slices with a turn of the event loop between them. */
async function drive(run: RunLoop, each?: (records: StepRecord[]) => void, maxSteps?: number): Promise<StepRecord[]> {
  const all: StepRecord[] = [];
  while (!run.done) {
    const records = run.advance({ deadline: performance.now() + 20, ...(maxSteps !== undefined ? { maxSteps } : {}) });
    all.push(...records);
    each?.(records);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return all;
}

/**
 * A checkpoint of `run` as the service stores it (JSON), then the rest of `run` to its end, and a
 * run of `input` resumed from that checkpoint to its end: what an uninterrupted run and a run
 * redelivered after its worker died at the checkpoint record and end with.
 */
async function finishBothWays(run: ConcurrentHogwildRun, input: RunSpecInput) {
  const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
  const rest = await drive(run);
  await run.close();
  const resumed = start(input, { checkpoint });
  const after = await drive(resumed);
  await resumed.close();
  return { rest, resumed, after, checkpoint };
}

/** `checkpoint` as the previous release wrote it: its stopping state without the coordinator's last row. */
function previousRelease(checkpoint: ReturnType<RunLoop['checkpoint']>): ReturnType<RunLoop['checkpoint']> {
  if (!('concurrent' in checkpoint) || !('ticks' in checkpoint.concurrent) || !checkpoint.concurrent.stopping) throw new Error('not a stopping hogwild checkpoint');
  const { lastRow: _lastRow, ...stopping } = checkpoint.concurrent.stopping;
  return { ...checkpoint, concurrent: { ...checkpoint.concurrent, stopping } };
}

/** A run's result but for its speed and duration, which differ between an uninterrupted and a resumed run. */
const ending = (result: RunLoop['result']) => ({ ...result!, parallel: { ...result!.parallel!, stepsPerSecond: 0, elapsedMilliseconds: 0 } });

/** A row as a resumed run must store it: its step and measures. */
const row = (record: StepRecord) => [record.step, record.loss, record.gradNorm, record.updateNorm];

describe('concurrent hogwild on worker threads', () => {
  it('makes every update once and learns as the simulated algorithm does', async () => {
    // The step size diminished each pass over the 2,700 training rows, as Niu et al. do: the final
    // loss is then that of a converging run, not the noise of the last updates at a constant step.
    const diminishing = { schedule: { type: 'step', stepSize: 2_700, gamma: 0.7 } } as const;
    const run = start(spec(diminishing));
    const records = await drive(run);
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 12_000 });
    // result.parallel: each thread's updates add up to the run's; one in eight is measured for staleness.
    const report = run.result!.parallel!;
    expect(report).toMatchObject({ algorithm: 'hogwild', execution: 'concurrent', replicas: 2, centerDistance: null });
    expect(report.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(12_000);
    expect(report.staleness!.updates).toBe(report.perReplica.reduce((sum, replica) => sum + Math.floor(replica.steps / 8), 0));
    expect(report.staleness!.max).toBeGreaterThanOrEqual(report.staleness!.p99);
    expect(report.stepsPerSecond).toBeGreaterThan(0);
    const steps = records.map((record) => record.step);
    expect(steps.at(-1)).toBe(12_000);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(new Set(steps).size).toBe(steps.length);
    const simulated = iterateRun(runSpecSchema.parse(spec({ ...diminishing, parallel: { algorithm: 'hogwild', replicas: 2, execution: 'simulated' } })));
    const simulatedRecords = [...simulated];
    // Same data, same number of updates: the validation loss of the shared θ agrees within 50%
    // (the threads' interleaving, and so the trajectory, changes from one run to the next, the more
    // so on a loaded machine, where one thread can run far ahead of the other: 32% seen once).
    const concurrentLoss = records.at(-1)!.valLoss!;
    const simulatedLoss = simulatedRecords.at(-1)!.valLoss!;
    expect(Math.abs(concurrentLoss - simulatedLoss) / simulatedLoss).toBeLessThan(0.5);
    expect(concurrentLoss).toBeLessThan(0.6);
  }, 60_000);

  it('with one thread makes sgd\'s updates bit for bit: in place on one row, with a sparse gradient (sparse features), with a dense one (an L2 penalty); for logistic and svm', async () => {
    const svm = { ...sparseText, model: 'svm' } as const;
    for (const [objective, batchSize] of [[sparseText, 1], [sparseText, 3], [{ ...sparseText, l2: 0.001 }, 3], [svm, 1], [svm, 3]] as const) {
      const input = spec({ objective, training: { maxSteps: 3000, batchSize, seed: 2 }, record: { every: 3000 } });
      const run = start({ ...input, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' } });
      await drive(run);
      await run.close();
      const single = iterateRun(runSpecSchema.parse({ ...input, parallel: undefined }));
      expect([...single].at(-1)!.step).toBe(3000);
      expect(run.result!.params).toHaveLength(1001);
      expect(run.result!.params).toEqual(single.result!.params);
    }
  }, 60_000);

  it('records the steps record.every names, each as the thread that made it measured it, in step order and within the rows bound', async () => {
    // 3,000 updates take the threads a few milliseconds: the coordinator looks a handful of times.
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 } });
    const run = start(input);
    const records = await drive(run);
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
    // Every step record.every names, once each, in step order, whatever the interleaving.
    expect(records.map((record) => record.step)).toEqual(named(10, 3000));
    expect(records.length).toBeLessThanOrEqual(metricRowsBound(input)!);
    for (const record of records) {
      // One row's logistic loss and gradient at θ as the thread read it; its step η·‖g‖.
      expect(Number.isFinite(record.loss) && record.loss > 0).toBe(true);
      expect(Number.isFinite(record.gradNorm)).toBe(true);
      expect(record.learningRate).toBe(0.05);
      expect(record.updateNorm).toBeCloseTo(0.05 * record.gradNorm, 12);
      expect(record.epoch).toBe(Math.ceil(record.step / 2700));
    }
    expect(records.at(-1)).toMatchObject({ step: 3000, valLoss: expect.any(Number) });
  }, 60_000);

  it.each([
    ['running to its end', false, 30, 'max_steps'],
    ['cancelled with the coordinator behind, every update made', true, 30, 'cancelled'],
    // As a sweep trial's calls are when its pruner's next check is near.
    ['cancelled with the coordinator behind, calls of one row', true, 10, 'cancelled'],
  ] as const)('returns at most maxSteps / record.every rows per call, the rest in later calls: %s, every row before it ends', async (_case, cancelled, maxSteps, stopReason) => {
    const { run, records } = cancelled ? await cancelledBehind() : { run: start(spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 } })), records: [] };
    const sizes = records.length > 0 ? [records.length] : [];
    records.push(...await drive(run, (slice) => sizes.push(slice.length), maxSteps));
    await run.close();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(records.map((record) => record.step)).toEqual(named(10, 3000));
    expect(run.result).toMatchObject({ stopReason, steps: 3000 });
  }, 60_000);

  it('records the row of a thread held back at a recorded step in its place, taking none past it meanwhile, however far the other thread runs', async () => {
    // The slots carry θ (validation): a ring of 301 slots a thread, room for every row of the run.
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 } });
    const { run, records, held, release } = startHeld(input, 10);
    // The other thread makes every other update, and publishes rows 20 to 3,000, before the held one makes step 10.
    await until(() => held() && threadStates(run).includes('done'));
    for (let look = 0; look < 3; look++) records.push(...run.advance({ deadline: performance.now() + 20 }));
    expect(records).toEqual([]);
    release();
    records.push(...(await drive(run)));
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
    expect(records.map((record) => record.step)).toEqual(named(10, 3000));
  }, 60_000);

  it('records a step as measured right after it was claimed: a thread descheduled before a recorded step holds none of the ticks after, so no row is measured long after under an early step, and no stop rule acts on one', async () => {
    const input = rosenbrockSpec({ optimizer: { name: 'sgd', learningRate: 0.0005 }, training: { maxSteps: 20_000, seed: 2 }, stopWhen: { lossBelow: 0.5 }, record: { every: 10, params: true } });
    // The thread that claims tick 5 is held back before it makes any of its ticks, while the other
    // makes every update it can claim: tick 10 and after, to the last.
    const { run, records, held, release } = startHeld(input, 5);
    await until(() => held() && threadStates(run).includes('done'));
    release();
    records.push(...(await drive(run)));
    await run.close();
    // Row 10 is the update made at θ as it was then, one update from the start, and its loss that at about the start (12.5 there).
    const row = records.find((record) => record.step === 10)!;
    expect(Math.hypot(row.params![0] + 1.5, row.params![1] - 2)).toBeLessThan(0.2);
    expect(row.loss).toBeGreaterThan(5);
    // The loss target is met where the rows' losses fall below it, not at step 10.
    expect(run.result!.stopReason).toBe('loss_target');
    const met = records.find((record) => record.loss < 0.5)!;
    expect(met.step).toBeGreaterThan(100);
    expect(run.result!.message).toMatch(new RegExp(`^The loss ${met.loss} fell below 0\\.5 at step ${met.step}\\.`));
  }, 60_000);

  it('holds back threads whose rings are full until the coordinator takes from them: every row recorded, also across a checkpoint taken meanwhile', async () => {
    // θ of 1,001 entries in each slot (validation): 521 slots a ring within 8 MB, for 3,001 rows.
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 1 } });
    for (const resume of [false, true]) {
      const run = start(input);
      // The coordinator takes one row, then does not look until no thread can go on.
      const before = run.advance({ maxSteps: 1 });
      await until(() => !threadStates(run).includes('publishing'));
      expect(threadStates(run)).toEqual(['waiting', 'waiting']);
      if (!resume) {
        const records = [...before, ...(await drive(run))];
        await run.close();
        expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
        expect(records.map((record) => record.step)).toEqual(named(1, 3000));
        continue;
      }
      const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
      await run.close();
      const resumed = start(input, { checkpoint });
      const after = await drive(resumed);
      await resumed.close();
      expect(resumed.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
      const stored = [...before.filter((record) => record.step <= checkpoint.step), ...after];
      expect(stored.map((record) => record.step)).toEqual(named(1, 3000));
    }
  }, 60_000);

  it('ends at a stop rule the recorded steps\' losses meet, as a simulated run does', async () => {
    // A logistic row's loss starts at ln 2 ≈ 0.693: rows fall below 0.3 within the first few thousand updates.
    const run = start(spec({ training: { maxSteps: 600_000, batchSize: 1, seed: 2 }, record: { every: 10 }, stopWhen: { lossBelow: 0.3 } }));
    const records = await drive(run);
    await run.close();
    expect(run.result!.stopReason).toBe('loss_target');
    const first = records.findIndex((record) => record.loss < 0.3);
    expect(first).toBeGreaterThanOrEqual(0);
    // The threads go on for a while after the record that met the target: the sentence names both steps.
    const met = records[first].step;
    const ended = run.result!.steps;
    const later = ended > met ? ` The run ended at step ${ended}: the replicas made ${counted(ended - met, 'more update')} before the stop reached them.` : '';
    expect(run.result!.message).toBe(`The loss ${records[first].loss} fell below 0.3 at step ${met}.${later}`);
    expect(records.at(-1)!.step).toBe(ended);
    const steps = records.map((record) => record.step);
    expect(steps.slice(1).every((step, i) => step > steps[i])).toBe(true);
    expect(steps.at(-1)).toBeLessThan(600_000);
  }, 60_000);

  it('completes a run whose threads made every update before its time limit, with the records the coordinator takes after it', async () => {
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2, timeLimitSeconds: 60 }, record: { every: 10 } });
    // The run's clock stands still while the threads make every update, then passes the limit while the coordinator still takes their records.
    let now = 0;
    const run = new ConcurrentHogwildRun(runSpecSchema.parse(input), objectiveSpecSchema.parse(input.objective), { clock: () => now, maximumThreads: 2 });
    const records: StepRecord[] = [];
    const idle = new Int32Array(new SharedArrayBuffer(4));
    while (run.progress.step < 100) {
      records.push(...run.advance({ maxSteps: 10 }));
      Atomics.wait(idle, 0, 0, 10);
    }
    // 3,000 updates take the threads a few milliseconds.
    Atomics.wait(idle, 0, 0, 500);
    now = 61_000;
    records.push(...(await drive(run)));
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
    expect(records.map((record) => record.step)).toEqual(Array.from({ length: 300 }, (_, i) => 10 * (i + 1)));
  }, 60_000);

  it('counts its time limit and its speed from when its threads are ready to compute, not from their start-up', async () => {
    const input = spec({ training: { maxSteps: 200_000, batchSize: 1, seed: 2, timeLimitSeconds: 1.5 }, record: { every: 10 } });
    // The run's clock passes the limit while the threads build their objectives (10 s), then stands
    // still while they compute, one of them held back at step 1,000: no time is counted yet.
    let now = 0;
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const run = new ConcurrentHogwildRun(runSpecSchema.parse(input), objectiveSpecSchema.parse(input.objective), { clock: () => now, maximumThreads: 2, hold: { step: 1000, gate } });
    const records = run.advance({ deadline: now });
    now = 10_000;
    // The other thread makes every update it claims until its ring is full of rows above the held one's.
    await until(() => Atomics.load(gate, 0) === 1 && threadStates(run).includes('waiting'));
    records.push(...run.advance({ deadline: now }));
    now = 11_000;
    records.push(...run.advance({ deadline: now }));
    expect(records.at(-1)!.step).toBeLessThan(1000);
    // 2 s after they began: past the limit.
    now = 12_000;
    Atomics.store(gate, 0, 2);
    Atomics.notify(gate, 0);
    while (!run.done) {
      records.push(...run.advance({ deadline: now }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run.close();
    const steps = run.result!.steps;
    expect(run.result).toMatchObject({ stopReason: 'time_limit', message: `Stopped at step ${steps} by the time limit of 1.5 s.` });
    expect(steps).toBeGreaterThanOrEqual(999);
    expect(run.result!.parallel!.stepsPerSecond).toBe((run.result!.parallel!.perReplica.reduce((sum, replica) => sum + replica.steps, 0) * 1000) / 2000);
  }, 60_000);

  it('names its time limit as given, not as milliseconds over 1000', async () => {
    const run = start(spec({ training: { maxSteps: 600_000, batchSize: 1, seed: 2, timeLimitSeconds: 1e-9 } }));
    await drive(run);
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'time_limit', message: `Stopped at step ${run.result!.steps} by the time limit of 1e-9 s.` });
  }, 60_000);

  it('says of early stopping what the tracker held at the record where patience ran out', async () => {
    // One row's loss per record: the best comes early and patience runs out within several thousand updates; the threads go on after it, and the run's last record (θ at the updates made) comes after the one where patience ran out.
    const run = start(spec({ training: { maxSteps: 600_000, batchSize: 1, seed: 2 }, record: { every: 100 }, earlyStopping: { patience: 3000, monitor: 'loss' } }));
    const records = await drive(run);
    await run.close();
    expect(run.result!.stopReason).toBe('early_stopping');
    // The updates made after the stop may reach a better loss than the best before it, and the last parameters a
    // better one still: the message then says so too.
    const [, since, t, best, bestStep, end] = /^Early stopping: loss did not improve for (\d+) updates by step (\d+) \(patience 3000\); best (\S+) at step (\d+)\. The run ended at step (\d+): the replicas made \d+ more updates? before the stop reached them\.( The replicas' last updates after the stop reached a better loss: \S+ at step \d+\.)?( At the last parameters, when the run ended, loss was \S+: below the updates' best\.)?$/
      .exec(run.result!.message)!.slice(0, 6).map(Number);
    expect(end).toBe(run.result!.steps);
    expect(since).toBe(t - bestStep);
    const upTo = records.filter((record) => record.step <= t);
    expect(upTo.at(-1)!.step).toBe(t);
    expect(Math.min(...upTo.map((record) => record.loss))).toBe(best);
    expect(upTo.find((record) => record.loss === best)!.step).toBe(bestStep);
    expect(records.at(-1)!.step).toBeGreaterThan(t);
  }, 60_000);

  it('with one thread records what a single run records: the same steps, losses and parameters', async () => {
    const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, seed: 3 }, validationSplit: 0.2 } as const;
    // One row per update on sparse features (made in place between recorded steps), and mini-batches on dense ones with parameters recorded.
    for (const [objective, batchSize] of [[sparseText, 1], [moons, 4]] as const) {
      const input = spec({ objective, training: { maxSteps: 1000, batchSize, seed: 2 }, record: { every: 7 } });
      const run = start({ ...input, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' } });
      const records = await drive(run);
      await run.close();
      const single = [...iterateRun(runSpecSchema.parse({ ...input, parallel: undefined }))];
      expect(records.map((record) => record.step)).toEqual(single.map((record) => record.step));
      expect(records.map((record) => record.loss)).toEqual(single.map((record) => record.loss));
      expect(records.map((record) => record.params)).toEqual(single.map((record) => record.params));
      records.forEach((record, i) => {
        expect(record.gradNorm).toBeCloseTo(single[i].gradNorm, 12);
        expect(record.updateNorm).toBeCloseTo(single[i].updateNorm, 12);
        expect(record.learningRate).toBe(single[i].learningRate);
      });
      expect(records.at(-1)!.valLoss).toBe(single.at(-1)!.valLoss);
    }
  }, 60_000);

  it('with one thread keeps and restores the best parameters a simulated run does: those the best loss was measured at, not those after its step', async () => {
    const input = rosenbrockSpec({
      optimizer: { name: 'sgd', learningRate: 0.002 },
      training: { maxSteps: 3000, seed: 2 },
      earlyStopping: { monitor: 'loss', patience: 5, restoreBest: true },
      record: { every: 1, params: true },
    });
    const run = start({ ...input, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' } });
    const records = await drive(run);
    await run.close();
    const simulated = iterateRun(runSpecSchema.parse({ ...input, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'simulated' } }));
    const simulatedRecords = [...simulated];
    expect(simulated.result).toMatchObject({ stopReason: 'early_stopping', restoredBest: true });
    // The rows up to the one where patience ran out (the thread may make a few more updates before the stop reaches it).
    const row = (record: StepRecord) => [record.step, record.loss, record.params];
    expect(records.slice(0, simulatedRecords.length).map(row)).toEqual(simulatedRecords.map(row));
    // The best is the best of every row, those of the updates the thread made before the stop reached it included,
    // and the parameters restored are θ as the thread read it for that step: the row before's, as one thread leaves
    // them; unless the loss at the last parameters (the last row's), measured as the run ends, is lower still.
    const bestRow = records.reduce((kept, record) => (record.loss < kept.loss ? record : kept));
    const last = records.at(-1)!;
    const atLast = createObjective(objectiveSpecSchema.parse(input.objective) as Parameters<typeof createObjective>[0]).value(Float64Array.from(last.params!));
    const { params, finalLoss, best, restoredBest, steps } = run.result!;
    // As the simulated run's when the thread made no update after the stop.
    if (steps === simulated.result!.steps) expect(best).toEqual(simulated.result!.best);
    if (atLast < bestRow.loss) {
      expect(best).toEqual({ metric: 'loss', step: steps, value: atLast, atEnd: true });
      expect(params).toEqual(last.params);
      expect(restoredBest).toBe(false);
    } else {
      expect(best).toEqual({ metric: 'loss', step: bestRow.step, value: bestRow.loss, atEnd: false });
      expect(params).toEqual(records.find((record) => record.step === bestRow.step - 1)?.params ?? [-1.5, 2]);
      expect(restoredBest).toBe(true);
    }
    // The loss at the parameters restored is the best loss.
    expect(finalLoss).toBe(best!.value);
  }, 60_000);

  it('validates each row at θ after its own step, not at θ as the coordinator finds it, when parameters are not recorded', async () => {
    // One thread runs ahead of its coordinator: with two looks' worth of updates between them, θ now is not θ at the row's step.
    const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, seed: 3 }, validationSplit: 0.2 } as const;
    const input = spec({ objective: moons, training: { maxSteps: 3000, batchSize: 4, seed: 2 }, record: { every: 7, params: false } });
    const run = start({ ...input, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' } });
    const records = await drive(run, undefined, 70);
    await run.close();
    const single = new Map([...iterateRun(runSpecSchema.parse({ ...input, parallel: undefined }))].map((record) => [record.step, record]));
    const validated = records.filter((record) => record.valLoss !== undefined);
    expect(validated.length).toBeGreaterThan(1);
    for (const record of validated) expect([record.step, record.valLoss]).toEqual([record.step, single.get(record.step)!.valLoss]);
    expect(records.every((record) => record.params === undefined)).toBe(true);
  }, 60_000);

  it('with a lock per update (the benchmark\'s peer) makes every update once and learns as without', async () => {
    // The lock-free test's spec (the step diminished each pass over the rows), so that the two runs
    // compare: measured at a load average of 8 to 10 on two cores, the final losses of 8 pairs were
    // 0.435-0.471 with the lock and 0.440-0.471 without, at most 6% apart. A constant step ended
    // alike (0.424-0.466), even where one thread made all 12,000 updates, so why this test once
    // ended above 0.6 at a constant step is not known.
    const input = spec({ schedule: { type: 'step', stepSize: 2_700, gamma: 0.7 } });
    const run = start(input, { locking: true });
    const records = await drive(run);
    await run.close();
    expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 12_000 });
    expect(run.result!.parallel!.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(12_000);
    const lockingLoss = records.at(-1)!.valLoss!;
    expect(lockingLoss).toBeLessThan(0.6);
    const free = start(input);
    const freeLoss = (await drive(free)).at(-1)!.valLoss!;
    await free.close();
    expect(Math.abs(lockingLoss - freeLoss) / freeLoss).toBeLessThan(0.25);
  }, 60_000);

  it('stops every thread at a non-finite parameter and names it', async () => {
    const run = start(spec({ optimizer: { name: 'sgd', learningRate: 1e308 }, objective: { type: 'model', model: 'linear', data: { features: [[1e10], [2e10], [3e10]], targets: [1, 2, 3] } } }));
    await drive(run);
    await run.close();
    expect(run.result!.stopReason).toBe('diverged');
    expect(run.result!.message).toMatch(/^Diverged: (w1|b) \(parameter [12]\) became (-?Infinity|NaN) at step \d+\.$/);
  }, 60_000);

  it('stopped, ends at a call that may store the last row alone (a run at its metric-rows quota)', async () => {
    const { run, records } = await cancelledBehind();
    records.push(...run.advance({ deadline: performance.now() + 1000, maxSteps: 10, lastRowOnly: true }));
    expect(run.done).toBe(true);
    await run.close();
    expect(records.at(-1)!.step).toBe(3000);
    expect(run.result).toMatchObject({ stopReason: 'cancelled', steps: 3000 });
  }, 60_000);

  it('cancels, and resumes from a checkpoint at the ticks the threads had made', async () => {
    // Long enough that the threads cannot finish within the slice in which the cancel is seen.
    const input = spec({ training: { maxSteps: 600_000, batchSize: 1, seed: 2 }, record: { every: 20_000 } });
    const first = start(input);
    let checkpoint: ReturnType<RunLoop['checkpoint']> | undefined;
    await drive(first, () => {
      if (!checkpoint && first.progress.step >= 30_000) {
        checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
        first.cancel();
      }
    });
    await first.close();
    expect(first.result!.stopReason).toBe('cancelled');
    expect(checkpoint && 'concurrent' in checkpoint && checkpoint.concurrent.algorithm === 'hogwild' && checkpoint.concurrent.ticks).toBeGreaterThanOrEqual(30_000);
    const resumed = start(input, { checkpoint });
    const records = await drive(resumed);
    await resumed.close();
    expect(resumed.result).toMatchObject({ stopReason: 'max_steps', steps: 600_000 });
    expect(records[0].step).toBeGreaterThan(checkpoint!.step);
  }, 60_000);

  const pruning = { prune: true, rule: 'median', step: 20, value: 0.7, cutoff: 0.6, rung: null, rank: 2, competitors: 3, message: 'Pruned at step 20.' };
  it.each([
    { stop: 'a stop rule', settings: { stopWhen: { lossBelow: 100 } }, cancel: null },
    { stop: 'early stopping', settings: { earlyStopping: { monitor: 'loss', patience: 10, minDelta: 1e6 } }, cancel: null },
    { stop: 'a cancel', settings: {}, cancel: { pruning: undefined, atQuota: false } },
    { stop: 'a pruner', settings: {}, cancel: { pruning, atQuota: false } },
    { stop: 'the metric-rows quota', settings: {}, cancel: { pruning: undefined, atQuota: true } },
  ] as const)('resumed from a checkpoint taken while it stops by $stop, makes no update: it takes the rows left and ends as it would have without the restart', async ({ settings, cancel }) => {
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 }, ...settings });
    // One thread is held back at step 1,000 while the other makes every other update: the stop
    // reaches the held one before it makes its update, so the threads make 2,999 updates.
    const { run, records, held } = startHeld(input, 1000);
    await until(() => held() && threadStates(run).includes('done'));
    if (cancel) run.cancel(cancel.pruning, cancel.atQuota);
    // The coordinator takes three rows (the loss target is met at the first, patience runs out at
    // the second) and stops the threads; the others wait in the rings.
    records.push(...run.advance({ deadline: performance.now(), maxSteps: 30 }));
    await until(() => threadStates(run).every((state) => state === 'done'));
    records.push(...run.advance({ deadline: performance.now(), maxSteps: 30 }));
    expect(run.done).toBe(false);
    const { rest, resumed, after, checkpoint } = await finishBothWays(run, input);
    expect(run.result!.parallel!.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(2999);
    expect(ending(resumed.result)).toEqual(ending(run.result));
    expect(after.map(row)).toEqual(rest.map(row));
    // A checkpoint of the previous release, without the coordinator's last row, resumes too.
    const older = start(input, { checkpoint: previousRelease(checkpoint) });
    const olderRows = await drive(older);
    await older.close();
    expect(ending(older.result)).toEqual(ending(run.result));
    expect(olderRows.map(row)).toEqual(rest.map(row));
    expect(resumed.pruning ?? null).toEqual(cancel?.pruning ?? null);
    expect(resumed.atQuota).toBe(cancel?.atQuota ?? false);
  }, 60_000);

  it('resumed from a checkpoint taken while it stops before every thread saw the stop, ends at the count of updates completed then', async () => {
    // Validation puts θ in each slot: a ring holds a few hundred rows.
    const input = spec({ training: { maxSteps: 200_000, batchSize: 1, seed: 2 }, record: { every: 10 } });
    // One thread held before recorded step 1,000 (through the stop too: descheduled before it sees
    // it), the other on past it until its ring is full, waiting for a slot for a recorded step:
    // cancelled, that one stops without making it, its last update between two recorded ones.
    // The checkpoint is taken once it has seen the stop, the held thread not yet.
    const { run, held, gate, release } = startHeld(input, 1000);
    await until(() => held() && threadStates(run).includes('waiting'));
    Atomics.store(gate, 0, 3);
    run.cancel();
    // A call with room for one row takes none while the run stops (one stays free for the last):
    // no slot is freed for the waiting thread, which stops at the recorded step it waits for.
    run.advance({ deadline: performance.now(), maxSteps: 1 });
    await until(() => threadStates(run).includes('done'));
    expect(threadStates(run)).toContain('publishing');
    const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
    release();
    const rest = await drive(run);
    await run.close();
    const resumed = start(input, { checkpoint });
    const after = await drive(resumed);
    await resumed.close();
    // The run ends between two recorded steps, with the coordinator's own row there.
    expect(run.result!.steps % 10).not.toBe(0);
    expect(after.map(row)).toEqual(rest.map(row));
    expect(ending(resumed.result)).toEqual(ending(run.result));
  }, 60_000);

  it('resumed from a checkpoint taken while it stops diverged (a parameter, a loss not finite), ends diverged naming it, as it would have without the restart', async () => {
    const cases = [
      // |x| from 100 by steps of 1: at x = 0 the gradient x/√(x²) is NaN, and so is x after the next update.
      { expression: 'sqrt(x^2)', initial: 100, learningRate: 1, message: 'Diverged: x (parameter 1) became NaN at step 100.', params: ['NaN'] },
      // x² from 1 with η = 1.5: x ← −2x, whose square passes the largest float64 after update 512.
      { expression: 'x^2', initial: 1, learningRate: 1.5, message: "Diverged after step 512: a replica's loss was not finite.", params: [String(2 ** 512)] },
      // 10⁹⁰·sin(−x) from −1 with η = 10²¹⁷: steps of up to 10³⁰⁷ until x passes the most negative float64.
      { expression: '1e90 * sin(-x)', initial: -1, learningRate: 1e217, message: 'Diverged: x (parameter 1) became -Infinity at step 741.', params: ['-Infinity'] },
    ];
    for (const { expression, initial, learningRate, message, params } of cases) {
      const input = oneVariable(expression, initial, learningRate, 5000);
      // The coordinator takes a few rows once the thread has stopped: the others wait in its ring.
      const run = start(input);
      run.advance({ deadline: performance.now(), maxSteps: 1 });
      await until(() => threadStates(run).every((state) => state === 'done'));
      run.advance({ deadline: performance.now(), maxSteps: 10 });
      expect(run.done).toBe(false);
      const { rest, resumed, after } = await finishBothWays(run, input);
      expect(run.result).toMatchObject({ stopReason: 'diverged', message });
      expect(resumed.result).toMatchObject({ stopReason: 'diverged', message, steps: run.result!.steps, finalLoss: run.result!.finalLoss });
      expect(resumed.result!.params.map(String)).toEqual(params);
      expect(after.map(row)).toEqual(rest.map(row));
    }
  }, 60_000);

  it('refuses a checkpoint whose entries not finite lie outside θ or on a row\'s step (a corrupt checkpoint)', async () => {
    const input = oneVariable('x^2', 1, 0.1, 100);
    // A checkpoint with rows the coordinator has not taken: the thread made every update, one row was taken.
    const run = start(input);
    run.advance({ deadline: performance.now(), maxSteps: 1 });
    await until(() => threadStates(run).every((state) => state === 'done'));
    const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
    await run.close();
    if (!('concurrent' in checkpoint) || checkpoint.concurrent.algorithm !== 'hogwild') throw new Error('not a concurrent hogwild checkpoint');
    const { concurrent } = checkpoint;
    const pending = concurrent.pending;
    if (!pending || !('fields' in pending)) throw new Error('the checkpoint keeps no rows');
    const corrupt = (change: object) => ({ ...checkpoint, concurrent: { ...concurrent, ...change } });
    expect(() => start(input, { checkpoint: corrupt({ nonFinite: { NaN: [1, 1] } }) })).toThrow('NaN entries 1 to 1 are outside its 1 values');
    expect(() => start(input, { checkpoint: corrupt({ pending: { ...pending, nonFinite: { Infinity: [pending.values.length, 1] } } }) })).toThrow('outside its');
    // NaN on the step of the second row kept: its ring would wait for that step for good.
    expect(() => start(input, { checkpoint: corrupt({ pending: { ...pending, nonFinite: { NaN: [pending.fields, 1] } } }) })).toThrow('keeps a row at step NaN');
  }, 60_000);

  it('resumed from a checkpoint of the previous release, whose rows lack θ as read before their step (restoreBest by the loss), records them', async () => {
    const input = spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 }, earlyStopping: { monitor: 'loss', patience: 100_000, restoreBest: true } });
    // One thread held back at step 1,000, the other on past it until its ring is full (θ twice in
    // each slot: 261 slots a ring) or it is done: the rows from 40 to 990 wait in the rings for the checkpoint.
    const { run, records, held } = startHeld(input, 1000);
    await until(() => held() && threadStates(run).some((state) => state !== 'publishing'));
    records.push(...run.advance({ deadline: performance.now(), maxSteps: 30 }));
    const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
    await run.close();
    // The previous release's slot: the fields and θ after the step, without θ as read before it.
    const dimension = checkpoint.params.length;
    if (!('concurrent' in checkpoint) || checkpoint.concurrent.algorithm !== 'hogwild') throw new Error('not a concurrent hogwild checkpoint');
    const pending = checkpoint.concurrent.pending;
    if (!pending || !('fields' in pending)) throw new Error('the checkpoint keeps no rows');
    const rows = pending.values.length / pending.fields;
    expect(rows).toBe(96);
    const fields = pending.fields - dimension;
    const values = Array.from({ length: rows }, (_, i) => pending.values.slice(i * pending.fields, i * pending.fields + fields)).flat();
    const previous = { ...checkpoint, concurrent: { ...checkpoint.concurrent, pending: { fields, values } } };
    const resumed = start(input, { checkpoint: previous });
    const after = await drive(resumed);
    await resumed.close();
    expect(resumed.result).toMatchObject({ stopReason: 'max_steps', steps: 3000 });
    expect(resumed.result!.message).toContain('(earlyStopping.restoreBest');
    expect([...records, ...after].map((record) => record.step)).toEqual(named(10, 3000));
  }, 60_000);

  it('resumed from a checkpoint, records every step record.every names that it would have without the restart', async () => {
    // Without validation the slots carry no θ: each ring has room for all of the run's 20,001 rows.
    const input = spec({ objective: { ...sparseText, validationSplit: 0 }, training: { maxSteps: 200_000, batchSize: 1, seed: 2 }, record: { every: 10 } });
    // The threads run ahead of a coordinator that returns at most 500 rows a call: one is held back
    // at step 30,000 while the coordinator goes past 20,000 and the other thread makes every other
    // update, so the rows between, made but not taken yet, go with the checkpoint.
    const first = startHeld(input, 30_000);
    const before = first.records;
    while (first.run.progress.step < 20_000) {
      before.push(...first.run.advance({ deadline: performance.now() + 20, maxSteps: 5000 }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Every update below the held one made: the other thread runs on to the end.
    await until(() => first.held() && threadStates(first.run).includes('done'));
    const checkpoint = JSON.parse(JSON.stringify(first.run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
    await first.run.close();
    expect(first.run.done).toBe(false);
    const { ticks, pending } = 'concurrent' in checkpoint && checkpoint.concurrent.algorithm === 'hogwild' ? checkpoint.concurrent : { ticks: 0, pending: undefined };
    expect(ticks).toBeGreaterThanOrEqual(29_984);
    expect(checkpoint.step).toBeLessThan(25_000);
    // The rows of every step named after the checkpoint's and up to its ticks, waiting in the rings.
    expect(pending && 'fields' in pending ? pending.values.length / pending.fields : 0).toBe(Math.floor(ticks / 10) - Math.floor(checkpoint.step / 10));
    // Resumed, with a thread held back at step 40,000 while the other makes every update after it:
    // the coordinator takes the checkpoint's rows and the others below 40,000, none past it, then
    // the held thread's and the rest in order.
    const held = 10 * Math.floor(ticks / 10) + 10_000;
    const resumed = startHeld(input, held, { checkpoint });
    const after = resumed.records;
    await until(() => resumed.held() && threadStates(resumed.run).includes('done'));
    for (;;) {
      const records = resumed.run.advance({ deadline: performance.now() + 20 });
      if (records.length === 0) break;
      after.push(...records);
    }
    // (The held thread's chunk of 16 ticks may hold a row below the held step, which waits with it.)
    expect(after.at(-1)!.step).toBeGreaterThanOrEqual(held - 20);
    expect(after.at(-1)!.step).toBeLessThan(held);
    resumed.release();
    after.push(...(await drive(resumed.run)));
    await resumed.run.close();
    expect(resumed.run.result).toMatchObject({ stopReason: 'max_steps', steps: 200_000 });
    const steps = [...before.filter((record) => record.step <= checkpoint.step), ...after].map((record) => record.step);
    expect(steps).toEqual(named(10, 200_000));
  }, 60_000);

  it('resumed from a checkpoint taken while a thread ran far past its ticks, counts every update once: the replicas\' steps add up to the run\'s', async () => {
    // One thread held back at step 30,000 while the other makes every update after it: the
    // checkpoint keeps the ticks below the held one, and the updates past them are made again
    // after the resume, as a worker killed mid-run resumes from its last checkpoint.
    const input = spec({ objective: { ...sparseText, validationSplit: 0 }, training: { maxSteps: 100_000, batchSize: 1, seed: 2 }, record: { every: 1000 } });
    const first = startHeld(input, 30_000);
    await until(() => first.held() && threadStates(first.run).includes('done'));
    const checkpoint = JSON.parse(JSON.stringify(first.run.checkpoint())) as ReturnType<RunLoop['checkpoint']>;
    await first.run.close();
    const kept = 'concurrent' in checkpoint && checkpoint.concurrent.algorithm === 'hogwild' ? checkpoint.concurrent : null;
    expect(kept!.ticks).toBeLessThan(30_000);
    expect(kept!.replicaSteps!.reduce((sum, steps) => sum + steps, 0)).toBe(kept!.ticks);
    const resumed = start(input, { checkpoint });
    await drive(resumed);
    await resumed.close();
    expect(resumed.result).toMatchObject({ stopReason: 'max_steps', steps: 100_000 });
    expect(resumed.result!.parallel!.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(100_000);
  }, 60_000);

  it('ends a run that epochs end after their ticks, recording no more rows than its metric rows bound reserves, resumed or not', async () => {
    // 2,700 training rows over 2 threads: shards of 1,350 rows, 450 batches of 3; 2·4·450 = 3,600 ticks in 4 epochs.
    const objective = createObjective(objectiveSpecSchema.parse(sparseText) as Parameters<typeof createObjective>[0]);
    const trainingRows = isDataObjective(objective) ? objective.trainingRows : null;
    expect(trainingRows).toBe(2700);
    for (const every of [undefined, 1, 250]) {
      const input = spec({ training: { epochs: 4, batchSize: 3, seed: 2 }, record: every === undefined ? {} : { every } });
      const bound = metricRowsBound(runSpecSchema.parse(input), trainingRows)!;
      expect(bound).toBe(every === 250 ? 15 : 3600);
      const run = start(input);
      const records = await drive(run);
      await run.close();
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 3600 });
      expect(records.at(-1)!.step).toBe(3600);
      expect(records.length).toBeLessThanOrEqual(bound);
    }

    // Stopped at a checkpoint and resumed: the rows stored up to the checkpoint and those after it.
    const input = spec({ training: { epochs: 40, batchSize: 1, seed: 2 }, record: { every: 5000 } });
    const bound = metricRowsBound(runSpecSchema.parse(input), trainingRows)!;
    expect(bound).toBe(Math.floor((40 * 2 * 1350) / 5000) + 1);
    const first = start(input);
    let checkpoint: ReturnType<RunLoop['checkpoint']> | undefined;
    const before = await drive(first, () => {
      if (!checkpoint && first.progress.step >= 12_000) {
        checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
        first.cancel();
      }
    });
    await first.close();
    const resumed = start(input, { checkpoint });
    const after = await drive(resumed);
    await resumed.close();
    expect(resumed.result).toMatchObject({ stopReason: 'max_steps', steps: 40 * 2 * 1350 });
    const stored = [...before.filter((record) => record.step <= checkpoint!.step), ...after];
    expect(new Set(stored.map((record) => record.step)).size).toBe(stored.length);
    expect(stored.length).toBeLessThanOrEqual(bound);
  }, 60_000);

  it('runs one thread per replica, at most the machine\'s cores', () => {
    expect(() => start(spec({ parallel: { algorithm: 'hogwild', replicas: 3, execution: 'concurrent' } }))).toThrow(
      'Concurrent hogwild runs one thread per replica: 3 replicas need 3 cores, this machine has 2.',
    );
  });

  it('shares the training data with the threads instead of copying it', () => {
    const dataset = generateBuiltinDataset(builtinDatasetSchema.parse({ builtin: 'sparse-text', rows: 50 }));
    const shared = toSharedDataset(dataset);
    const features = shared.features as { rowStarts: Int32Array; indices: Int32Array; values: Float64Array };
    for (const array of [features.rowStarts, features.indices, features.values, shared.targets]) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(features.values)).toEqual(Array.from((dataset.features as { values: Float64Array }).values));
  });
});

describe('concurrent hogwild through the service', () => {
  const api = useTestApi();

  it('a worker runs it on threads to its end, with the shared θ\'s metrics stored', async () => {
    const response = await postRun(api.app, api.authorization, spec());
    expect(response.statusCode, response.body).toBe(201);
    const worker = await startTestWorker(api.services);
    try {
      const view = await waitForRun(api.app, api.authorization, response.json().id, isFinal, 60_000);
      expect(view.status).toBe('completed');
      expect(view.result).toMatchObject({ stopReason: 'max_steps', steps: 12_000, parallel: { algorithm: 'hogwild', execution: 'concurrent', replicas: 2 } });
      expect(runResultSchema.safeParse(view.result).success).toBe(true);
      const rows = await storedMetrics(worker.pool, view.id);
      expect(rows.at(-1)).toMatchObject({ step: 12_000 });
      expect(rows.at(-1)!.valLoss).toBeLessThan(0.6);
    } finally {
      await worker.close();
    }
  }, 90_000);

  it('a worker stores a row at every step record.every names, never more than the run\'s metric_rows_bound', async () => {
    const response = await postRun(api.app, api.authorization, spec({ training: { maxSteps: 3000, batchSize: 1, seed: 2 }, record: { every: 10 } }));
    expect(response.statusCode, response.body).toBe(201);
    const worker = await startTestWorker(api.services);
    try {
      const view = await waitForRun(api.app, api.authorization, response.json().id, isFinal, 60_000);
      expect(view.status).toBe('completed');
      const rows = await storedMetrics(worker.pool, view.id);
      const { rows: [run] } = await worker.pool.query<{ bound: string; stored: number }>('SELECT metric_rows_bound AS bound, metric_rows AS stored FROM runs WHERE id = $1', [view.id]);
      expect(rows.length).toBe(run.stored);
      expect(rows.length).toBeLessThanOrEqual(Number(run.bound));
      expect(rows.map((row) => row.step)).toEqual(named(10, 3000));
      expect(rows.every((row) => Number.isFinite(row.loss))).toBe(true);
    } finally {
      await worker.close();
    }
  }, 90_000);
});
