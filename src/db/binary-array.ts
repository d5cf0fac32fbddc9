/**
 * PostgreSQL arrays in their binary form (what `array_send` writes and `array_recv` reads), for
 * array parameters of many numbers: node-postgres sends a Buffer parameter as binary, so the
 * statement's `$n::float8[]` receives each value as its 8 bytes. Text literals (array-literal.ts)
 * cost both sides a conversion per value, JavaScript's shortest round-trip digits and
 * PostgreSQL's parse back, which for a small run's slice is most of what its rows cost to send.
 * Exact by construction: a double goes as its own bits.
 *
 * The layout: dimensions (1, or 0 for an empty array), whether any element is null, the
 * element type's OID, then for each dimension its length and lower bound (1), then each element
 * as its byte length (-1 for null) and its bytes, big-endian.
 */
import type { NaNAs } from './array-literal.ts';
import { isUuid } from './uuid.ts';

/** The element types' OIDs (pg_type): the statement's cast must name the same type. */
const oids = { int4: 23, float8: 701, uuid: 2950 } as const;

const headerBytes = 20;

/** Writes the header of a one-dimensional array of `length` elements; an empty array is its first 12 bytes only. */
function arrayOf(oid: number, length: number, elementBytes: number): { buffer: Buffer; start: number } {
  if (length === 0) {
    const buffer = Buffer.alloc(12);
    buffer.writeInt32BE(oid, 8);
    return { buffer, start: 12 };
  }
  const buffer = Buffer.allocUnsafe(headerBytes + length * (4 + elementBytes));
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeInt32BE(oid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return { buffer, start: headerBytes };
}

const totalLength = (parts: readonly ArrayLike<number>[]) => parts.reduce((sum, part) => sum + part.length, 0);

/**
 * The buffer's bytes as a DataView, whose big-endian stores the compiler inlines: a Buffer's
 * writeDoubleBE and writeInt32BE are calls, two per element.
 */
const viewOf = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** One float8[] of the values of `parts`, one after the other; a NaN is NULL or NaN as `nanAs` says. */
export function float8Array(parts: readonly ArrayLike<number>[], nanAs: NaNAs = 'nan'): Buffer {
  const { buffer, start } = arrayOf(oids.float8, totalLength(parts), 8);
  const view = viewOf(buffer);
  let offset = start;
  let nulls = false;
  for (const values of parts) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== value && nanAs === 'null') {
        view.setInt32(offset, -1);
        offset += 4;
        nulls = true;
      } else {
        view.setInt32(offset, 8);
        view.setFloat64(offset + 4, value);
        offset += 12;
      }
    }
  }
  if (nulls) view.setInt32(4, 1);
  return buffer.subarray(0, offset);
}

/** One int4[] of the values of `parts` (32-bit integers, as an Int32Array holds them), one after the other. */
export function int4Array(parts: readonly ArrayLike<number>[]): Buffer {
  const { buffer, start } = arrayOf(oids.int4, totalLength(parts), 4);
  const view = viewOf(buffer);
  let offset = start;
  for (const values of parts) {
    for (let i = 0; i < values.length; i++) {
      view.setInt32(offset, 4);
      view.setInt32(offset + 4, values[i]);
      offset += 8;
    }
  }
  return buffer;
}

/** A uuid[] holding each of `ids` (canonical text form) `counts[i]` times in a row. */
export function repeatedUuidArray(ids: readonly string[], counts: readonly number[]): Buffer {
  const { buffer, start } = arrayOf(oids.uuid, counts.reduce((sum, count) => sum + count, 0), 16);
  let offset = start;
  for (let k = 0; k < ids.length; k++) {
    if (counts[k] === 0) continue;
    // Buffer.from stops at the first character that is not hex: the whole text is checked first.
    if (!isUuid(ids[k])) throw new TypeError(`not a UUID: ${ids[k]}`);
    const bytes = Buffer.from(ids[k].replaceAll('-', ''), 'hex');
    for (let i = 0; i < counts[k]; i++) {
      offset = buffer.writeInt32BE(16, offset);
      offset += bytes.copy(buffer, offset);
    }
  }
  return buffer;
}
