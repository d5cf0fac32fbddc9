/**
 * Time-ordered ids (UUIDv7): valid UUIDs wherever one is checked, in the order they were made,
 * here and in PostgreSQL's uuid order, through a clock that stands still or steps back; and the
 * ids the service gives new runs and sweeps are such ids.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createRunRepository } from '../../../src/db/runs.ts';
import { createSweepRepository } from '../../../src/db/sweeps.ts';
import { timeOrderedUuid } from '../../../src/db/time-ordered-uuid.ts';
import { isUuid } from '../../../src/db/uuid.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

/** The Unix milliseconds in a UUIDv7's first 48 bits. */
const millisecondsOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
const version7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.useRealTimers();
});

describe('time-ordered ids', () => {
  it('are version 7 UUIDs of the time they were made, valid for the API, and differ in their random bits', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1_000 }, () => timeOrderedUuid());
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(version7);
      expect(isUuid(id)).toBe(true);
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(millisecondsOf(id)).toBeGreaterThanOrEqual(before);
      // Past `after` only by the milliseconds borrowed when one held more than 4,096 ids.
      expect(millisecondsOf(id)).toBeLessThanOrEqual(after + 1);
    }
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(ids.length);
  });

  it('come in the order they were made, in PostgreSQL\'s order too, through a clock that stands still or steps back', async () => {
    // A second past the last id made: ids made at an earlier time follow it still.
    const start = millisecondsOf(timeOrderedUuid()) + 1_000;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    // More than one millisecond's 4,096 at a standing clock, then the clock back by a second.
    const ids = Array.from({ length: 5_000 }, () => timeOrderedUuid());
    vi.setSystemTime(start - 1_000);
    ids.push(...Array.from({ length: 100 }, () => timeOrderedUuid()));
    vi.setSystemTime(start + 60_000);
    ids.push(timeOrderedUuid());
    vi.useRealTimers();

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(millisecondsOf(ids.at(-2)!)).toBeLessThanOrEqual(start + 2);
    expect(millisecondsOf(ids.at(-1)!)).toBe(start + 60_000);
    const { rows } = await database.pool.query<{ id: string }>('SELECT id::text FROM unnest($1::uuid[]) AS id ORDER BY id', [ids]);
    expect(rows.map(({ id }) => id)).toEqual(ids);
  });

  it('are what new runs and sweeps are stored under, in the order they were submitted', async () => {
    const tenantId = await database.tenant('time-ordered-ids');
    const runs = createRunRepository(database.services.database, database.pool);
    const spec = { objective: { type: 'benchmark', name: 'rosenbrock' }, training: { maxSteps: 3 } };
    const first = await runs.create({ tenantId, spec });
    const keyed = await runs.create({ tenantId, spec, idempotencyKey: 'time-ordered' });
    const { sweep } = await createSweepRepository(database.pool).create({ tenantId, name: null, spec: {}, baseObjective: { trainingRows: null } });
    const ids = [first.run.id, keyed.run.id, sweep.id];
    for (const id of ids) expect(id).toMatch(version7);
    expect([...ids].sort()).toEqual(ids);
  });
});
