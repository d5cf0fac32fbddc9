/**
 * How a checkpoint is stored: when they hold many entries (`binaryCheckpointEntries`), its large
 * numeric arrays (parameters, optimizer moments, a replica's vectors, a data order) as float64
 * bytes in `checkpoints.data`, the rest as JSON in
 * `checkpoints.state` with `{"$float64": [offset, length]}` (in entries of `data`) in place of each
 * array. The JSON text of a 10⁷-parameter Adam state would be about 600 MB, longer than a
 * JavaScript string may be; its bytes are 240 MB, written and read without a string.
 *
 * Float64 bytes hold every value exactly (−0, NaN and ±Infinity too, which JSON cannot), so the
 * decoded checkpoint is the one encoded, bit for bit. A checkpoint written before `data` existed
 * has every array in `state` and no reference: it decodes as it is.
 */

/** Number arrays at least this long go to the bytes; shorter ones cost less as JSON. */
export const binaryArrayLength = 256;

/**
 * Checkpoints whose long arrays hold fewer entries than this stay one JSON document (a few
 * hundred kilobytes at most): the writer then stores them with the slice's other statements in
 * one batched round trip, which is what many small runs need; bytes take a transaction of their own.
 */
export const binaryCheckpointEntries = 16_384;

const reference = '$float64';

export interface EncodedCheckpoint {
  /** The checkpoint with a reference in place of each array in `data`. */
  readonly state: unknown;
  /** Those arrays' entries, one after the other, as little-endian float64; null when there are none. */
  readonly data: Buffer | null;
}

function isLongNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < binaryArrayLength) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'number') return false;
  return true;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Calls `visit` on every long number array of `value`, depth first, in key order. */
function forEachLongArray(value: unknown, visit: (array: number[]) => void): void {
  if (isLongNumberArray(value)) visit(value);
  else if (Array.isArray(value)) for (const entry of value) forEachLongArray(entry, visit);
  else if (isPlainObject(value)) for (const entry of Object.values(value)) forEachLongArray(entry, visit);
}

/** Splits a checkpoint (plain JSON values) into its JSON part and its float64 bytes. */
export function encodeCheckpoint(checkpoint: unknown): EncodedCheckpoint {
  const arrays = new Set<number[]>();
  let entries = 0;
  forEachLongArray(checkpoint, (array) => {
    arrays.add(array);
    entries += array.length;
  });
  if (entries < binaryCheckpointEntries) return { state: checkpoint, data: null };
  // Typed arrays use the platform's byte order; every platform Node supports is little-endian.
  const values = new Float64Array(entries);
  let offset = 0;
  const replace = (value: unknown): unknown => {
    if (arrays.has(value as number[])) {
      const array = value as number[];
      values.set(array, offset);
      offset += array.length;
      return { [reference]: [offset - array.length, array.length] };
    }
    if (Array.isArray(value)) return value.map(replace);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, replace(entry)]));
    return value;
  };
  const state = replace(checkpoint);
  return { state, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength) };
}

/** A stored checkpoint whose references do not fit its bytes. */
class CheckpointEncodingError extends Error {
  override readonly name = 'CheckpointEncodingError';
}

/** The referenced range, when `value` is a reference into the bytes. */
function referencedRange(value: Record<string, unknown>): [number, number] | null {
  const range = value[reference];
  if (Object.keys(value).length !== 1 || !Array.isArray(range) || range.length !== 2) return null;
  const [offset, length] = range as unknown[];
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) ? [offset as number, length as number] : null;
}

/** The checkpoint as it was encoded: `state` with every reference replaced by its array from `data`. */
export function decodeCheckpoint(state: unknown, data: Uint8Array | null): unknown {
  if (data === null) return state;
  if (data.byteLength % Float64Array.BYTES_PER_ELEMENT !== 0) throw new CheckpointEncodingError('the checkpoint\'s data has a partial float64');
  // A Float64Array needs an aligned offset; the driver may hand out bytes at any.
  const aligned = data.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0 ? data : new Uint8Array(data);
  const values = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / Float64Array.BYTES_PER_ELEMENT);
  const restore = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(restore);
    if (!isPlainObject(value)) return value;
    const range = referencedRange(value);
    if (range === null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, restore(entry)]));
    const [offset, length] = range;
    if (offset < 0 || length < 0 || offset + length > values.length) {
      throw new CheckpointEncodingError(`a checkpoint array refers to entries ${offset} to ${offset + length} of ${values.length}`);
    }
    return Array.from(values.subarray(offset, offset + length));
  };
  return restore(state);
}
