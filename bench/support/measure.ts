/**
 * Measurement for benchmark scripts on shared, noisy machines: candidates are run interleaved
 * (A B C A B C …) so that load changes hit all of them alike, and each is summarised by its
 * median. Ratios between candidates measured in the same run are what the scripts report.
 */
export interface Candidate {
  readonly name: string;
  /** Runs the work once (after any setup) and returns how many units of work it did. */
  readonly run: () => number | Promise<number>;
}

export interface Measurement {
  readonly name: string;
  /** Median seconds per unit of work. */
  readonly secondsPerUnit: number;
  /** Median units per second. */
  readonly unitsPerSecond: number;
  readonly samples: number;
}

export interface MeasureOptions {
  /** Interleaved rounds (each runs every candidate once). */
  readonly rounds?: number;
  /** Untimed rounds first, to let the JIT settle. */
  readonly warmupRounds?: number;
}

export async function measureInterleaved(
  candidates: readonly Candidate[],
  { rounds = 15, warmupRounds = 3 }: MeasureOptions = {},
): Promise<Measurement[]> {
  const samples = candidates.map(() => [] as number[]);
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (let c = 0; c < candidates.length; c++) {
      const start = process.hrtime.bigint();
      const units = await candidates[c].run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round >= warmupRounds) samples[c].push(seconds / units);
    }
  }
  return candidates.map((candidate, c) => {
    const secondsPerUnit = median(samples[c]);
    return { name: candidate.name, secondsPerUnit, unitsPerSecond: 1 / secondsPerUnit, samples: samples[c].length };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Prints rows as an aligned table. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export const formatRatio = (value: number) => `${value.toFixed(2)}×`;
export const formatRate = (value: number) =>
  value >= 1e6 ? `${(value / 1e6).toFixed(2)} M/s` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} k/s` : `${value.toFixed(1)} /s`;
