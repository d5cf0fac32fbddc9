/**
 * Checkpoints with large arrays: written by the metrics writer as JSON plus float64 bytes, read
 * back by a run's next attempt bit for bit, in chunks when the bytes are many; checkpoints
 * written before, every array in the JSON, read back as they are.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryArrayLength, binaryCheckpointEntries } from '../../../src/db/checkpoint-encoding.ts';
import { createMetricsWriter, type MetricBatch } from '../../../src/db/metrics-writer.ts';
import { createRunAttempts, type RunAttempts } from '../../../src/db/run-attempts.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();
let attempts: RunAttempts;
let tenantId: string;

async function runningRun(): Promise<string> {
  const id = randomUUID();
  await database.pool.query(`INSERT INTO runs (id, tenant_id, status, spec) VALUES ($1, $2, 'running', '{}')`, [id, tenantId]);
  return id;
}

const noRows: MetricBatch = {
  step: new Int32Array(0), loss: new Float64Array(0), valLoss: new Float64Array(0), valAccuracy: new Float64Array(0), gradNorm: new Float64Array(0),
  learningRate: new Float64Array(0), updateNorm: new Float64Array(0), epoch: new Int32Array(0), elapsedSeconds: new Float64Array(0), params: null,
};

const stored = async (runId: string) =>
  (await database.pool.query<{ step: number; state: unknown; bytes: number | null }>(
    'SELECT step, state, octet_length(data) AS bytes FROM checkpoints WHERE run_id = $1', [runId])).rows;

/** Values JSON cannot carry, and ones it rounds when printed carelessly. */
const awkward = [-0, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, 2 ** 53 + 2];

const sameBits = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));

beforeAll(async () => {
  attempts = createRunAttempts(database.pool);
  tenantId = await database.tenant('checkpoint-data');
});

describe('checkpoint data', () => {
  it('stores long arrays as bytes beside a small JSON, and an attempt reads them back bit for bit', async () => {
    const runId = await runningRun();
    const params = Array.from({ length: 6000 }, (_, i) => awkward[i % awkward.length]! * (i + 1));
    const checkpoint = {
      step: 7,
      params,
      optimizer: { m: params.map((value) => value / 7), v: params.map((value) => value * value), t: 7 },
      short: [1, 2, 3],
      nested: [{ order: Array.from({ length: binaryArrayLength }, (_, i) => binaryArrayLength - i) }],
    };
    await createMetricsWriter(database.pool).write({ runId, fromStep: 0, metrics: noRows, rollups: false, checkpoint: { step: 7, state: checkpoint } });

    const [row] = await stored(runId);
    expect(row!.bytes).toBe(8 * (3 * 6000 + binaryArrayLength));
    expect(JSON.stringify(row!.state).length).toBeLessThan(400);
    expect(row!.state).toMatchObject({ step: 7, short: [1, 2, 3], optimizer: { t: 7 } });

    const read = (await attempts.read(runId))!.checkpoint!;
    expect(read.step).toBe(7);
    expect(read.state).toEqual(checkpoint);
    const state = read.state as typeof checkpoint;
    expect(sameBits(state.params, params)).toBe(true);
    expect(sameBits(state.optimizer.v, checkpoint.optimizer.v)).toBe(true);
  });

  it('keeps a checkpoint of fewer entries one JSON document, written with the slice in one round trip', async () => {
    const runId = await runningRun();
    const params = Array.from({ length: binaryCheckpointEntries / 2 - 1 }, (_, i) => i / 7);
    const checkpoint = { step: 5, params, optimizer: { m: params.map((value) => value / 2) } };
    await createMetricsWriter(database.pool).write({ runId, fromStep: 0, metrics: noRows, rollups: false, checkpoint: { step: 5, state: checkpoint } });
    expect(await stored(runId)).toEqual([{ step: 5, state: checkpoint, bytes: null }]);
    expect((await attempts.read(runId))!.checkpoint).toEqual({ step: 5, state: checkpoint });
  });

  it('reads bytes larger than one chunk, and replaces them when the same step is written again', async () => {
    const runId = await runningRun();
    const large = Array.from({ length: 2_500_000 }, (_, i) => Math.sin(i) * 1e-3);
    const writer = createMetricsWriter(database.pool);
    await writer.write({ runId, fromStep: 0, metrics: noRows, rollups: false, checkpoint: { step: 3, state: { params: large } } });
    const read = (await attempts.read(runId))!.checkpoint!;
    expect(sameBits((read.state as { params: number[] }).params, large)).toBe(true);

    // A slice that made no update writes its checkpoint at the same step: the old bytes go.
    await writer.write({ runId, fromStep: 3, metrics: noRows, rollups: false, checkpoint: { step: 3, state: { params: [1, 2] } } });
    expect(await stored(runId)).toEqual([{ step: 3, state: { params: [1, 2] }, bytes: null }]);
    expect((await attempts.read(runId))!.checkpoint).toEqual({ step: 3, state: { params: [1, 2] } });
  }, 60_000);

  it('reads a checkpoint written before, every array in its JSON, as it is', async () => {
    const runId = await runningRun();
    const legacy = { step: 40, params: Array.from({ length: 1000 }, (_, i) => i / 3), optimizer: { m: Array.from({ length: 1000 }, () => 0.5) } };
    await database.pool.query('INSERT INTO checkpoints (run_id, step, state) VALUES ($1, 40, $2::jsonb)', [runId, JSON.stringify(legacy)]);
    expect((await attempts.read(runId))!.checkpoint).toEqual({ step: 40, state: legacy });
  });
});
