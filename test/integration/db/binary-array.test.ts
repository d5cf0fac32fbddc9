/** Binary array parameters as PostgreSQL reads them: every value back as it was sent, bit for bit. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { float8Array, int4Array, repeatedUuidArray } from '../../../src/db/binary-array.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

describe('binary array parameters', () => {
  it('sends doubles as their bits: NaN kept or NULL, ±Infinity, −0, subnormals and the extremes, over several parts', async () => {
    const parts = [
      Float64Array.of(0.1, -0, NaN, Infinity),
      [],
      Float64Array.of(-Infinity, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1 / 3),
    ];
    const values = parts.flatMap((part) => [...part]);
    const { rows: [row] } = await database.pool.query<{ kept: number[]; nulls: (number | null)[] }>(
      'SELECT $1::float8[] AS kept, $2::float8[] AS nulls', [float8Array(parts), float8Array(parts, 'null')]);
    expect(row!.kept).toEqual(values);
    expect(row!.nulls).toEqual(values.map((value) => (Number.isNaN(value) ? null : value)));
  });

  it('sends 32-bit integers and repeated UUIDs, and empty arrays of each', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const { rows: [row] } = await database.pool.query<{ ints: number[]; ids: string[]; none: number[]; noFloats: number[]; noIds: string[] }>(
      'SELECT $1::int[] AS ints, $2::uuid[] AS ids, $3::int[] AS none, $4::float8[] AS "noFloats", $5::uuid[] AS "noIds"', [
        int4Array([Int32Array.of(-(2 ** 31), 0), Int32Array.of(2 ** 31 - 1)]),
        repeatedUuidArray(ids, [2, 0, 1]),
        int4Array([]),
        float8Array([new Float64Array(0)]),
        repeatedUuidArray(ids, [0, 0, 0]),
      ]);
    expect(row).toEqual({ ints: [-(2 ** 31), 0, 2 ** 31 - 1], ids: [ids[0], ids[0], ids[2]], none: [], noFloats: [], noIds: [] });
  });

  it('refuses an id that is not a UUID before sending anything', () => {
    expect(() => repeatedUuidArray(['not-a-uuid'], [1])).toThrow('not a UUID');
    // 32 hex digits and more: Buffer.from would have stopped at the junk and kept the 16 bytes.
    expect(() => repeatedUuidArray(['0190f5d2-8a3b-7c4d-9e5f-0a1b2c3d4e5fzz'], [1])).toThrow('not a UUID');
  });
});
