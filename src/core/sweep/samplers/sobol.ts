/**
 * Scrambled Sobol points in up to 21 dimensions. Point i's coordinate j is the XOR of the
 * direction numbers v_{j,k} over the set bits k of i's Gray code, read as a binary fraction.
 * Direction numbers follow Joe and Kuo (new-joe-kuo-6.21201): m_1..m_s initial values and the
 * primitive polynomial of degree s with inner coefficients a, recurrence
 *   m_k = 2a_1 m_{k−1} ⊕ 2²a_2 m_{k−2} ⊕ … ⊕ 2^{s−1}a_{s−1} m_{k−s+1} ⊕ 2^s m_{k−s} ⊕ m_{k−s}.
 * Scrambling (as scipy's default): a random lower-triangular binary matrix with unit diagonal
 * multiplies each dimension's direction numbers (linear matrix scrambling), then a random digital
 * shift is XORed into every point. Any such scrambling keeps the (t, m, s)-net property.
 */
import type { Random } from '../../random.ts';

const bits = 32;

/** [degree s, coefficients a, initial m_1..m_s] for dimensions 2…21 (dimension 1 is all ones). */
const joeKuo: readonly (readonly [number, number, readonly number[]])[] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]],
  [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [7, 4, [1, 3, 7, 13, 13, 15, 69]],
];

export const maxSobolDimensions = joeKuo.length + 1;

/** Direction numbers v_{j,k} as 32-bit integers (the fraction m_k / 2^k shifted to the top bits). */
function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(bits);
  if (dimension === 0) {
    for (let k = 0; k < bits; k++) v[k] = (1 << (bits - 1 - k)) >>> 0;
    return v;
  }
  const [s, a, m] = joeKuo[dimension - 1];
  for (let k = 0; k < bits; k++) {
    if (k < s) {
      v[k] = (m[k] << (bits - 1 - k)) >>> 0;
    } else {
      let value = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
      for (let i = 1; i < s; i++) {
        if ((a >>> (s - 1 - i)) & 1) value = (value ^ v[k - i]) >>> 0;
      }
      v[k] = value;
    }
  }
  return v;
}

/** Linear matrix scrambling: column k of L·V where L is random lower-triangular with unit diagonal. */
function scramble(v: Uint32Array, random: Random): Uint32Array {
  // Row r of L (the bit r of the output, counted from the top) mixes input bits 0..r.
  const rows = new Uint32Array(bits);
  for (let r = 0; r < bits; r++) {
    const below = r === 0 ? 0 : random.nextUint32() >>> (bits - r);
    rows[r] = ((below << (bits - r)) | (1 << (bits - 1 - r))) >>> 0;
  }
  const scrambled = new Uint32Array(bits);
  for (let k = 0; k < bits; k++) {
    let column = 0;
    for (let r = 0; r < bits; r++) {
      const parity = popcount((rows[r] & v[k]) >>> 0) & 1;
      column |= parity << (bits - 1 - r);
    }
    scrambled[k] = column >>> 0;
  }
  return scrambled;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export class SobolSequence {
  private readonly directions: Uint32Array[] = [];
  private readonly shift: Uint32Array;

  constructor(readonly dimensions: number, random: Random | null) {
    if (dimensions > maxSobolDimensions) throw new RangeError(`Sobol points go up to ${maxSobolDimensions} dimensions.`);
    this.shift = new Uint32Array(dimensions);
    for (let j = 0; j < dimensions; j++) {
      const v = directionNumbers(j);
      this.directions.push(random ? scramble(v, random) : v);
      this.shift[j] = random ? random.nextUint32() : 0;
    }
  }

  /** Point `index` (from 0) in [0, 1)^dimensions. */
  point(index: number): number[] {
    const gray = (index ^ (index >>> 1)) >>> 0;
    const point: number[] = [];
    for (let j = 0; j < this.dimensions; j++) {
      let x = this.shift[j];
      for (let k = 0; k < bits; k++) if ((gray >>> k) & 1) x = (x ^ this.directions[j][k]) >>> 0;
      point.push(x / 4294967296);
    }
    return point;
  }
}
