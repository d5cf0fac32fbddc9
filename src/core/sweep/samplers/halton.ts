/**
 * Scrambled Halton points: coordinate j of point i is the radical inverse of i in the j-th prime
 * base b, Σ_k d_k b^{−k−1} over i's base-b digits d_k, with each digit passed through a random
 * permutation of {0..b−1} drawn per dimension and digit position (Owen-style random digit
 * scrambling, the randomisation scipy's `Halton(scramble=True)` uses).
 */
import type { Random } from '../../random.ts';

const digitsKept = 20;

export function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++) {
    if (primes.every((p) => candidate % p !== 0)) primes.push(candidate);
  }
  return primes;
}

export class HaltonSequence {
  private readonly bases: number[];
  private readonly permutations: Int32Array[][];

  constructor(readonly dimensions: number, random: Random | null) {
    this.bases = firstPrimes(dimensions);
    this.permutations = this.bases.map((base) =>
      Array.from({ length: digitsKept }, () => {
        const permutation = Int32Array.from({ length: base }, (_, digit) => digit);
        if (random) random.shuffle(permutation);
        return permutation;
      }),
    );
  }

  point(index: number): number[] {
    return this.bases.map((base, j) => {
      let x = 0;
      let scale = 1 / base;
      let rest = index;
      for (let k = 0; k < digitsKept; k++) {
        x += this.permutations[j][k][rest % base] * scale;
        rest = Math.floor(rest / base);
        scale /= base;
      }
      return Math.min(x, 1 - Number.EPSILON);
    });
  }
}
