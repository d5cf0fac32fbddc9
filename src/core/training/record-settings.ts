/** `record`: which steps become step records (metrics), and whether they carry the parameters. */
import { z } from 'zod';

/** Records per run when `every` is left to its default. */
const defaultRecordCount = 10_000;
/** Parameter vectors up to this length are recorded by default. */
const defaultRecordedDimension = 100;

export const recordSettingsSchema = z
  .strictObject({
    every: z
      .number()
      .int()
      .min(1)
      .max(1e9)
      .optional()
      .describe(
        `Record every this many updates, and always the last one (default ⌈total updates / ${defaultRecordCount}⌉: maxSteps, or what the epochs take when fewer). `
          + 'A concurrent hogwild run records these steps as its threads make them: a step is missing when the run\'s coordinator fell too far behind them.',
      ),
    params: z.boolean().optional().describe(`Include the parameters in each record (default: when there are at most ${defaultRecordedDimension}).`),
  })
  .describe('Which steps are recorded.');

export type RecordSettings = z.output<typeof recordSettingsSchema>;

/** Records every this many updates of a run of `totalSteps` updates. */
export function recordEvery(settings: RecordSettings, totalSteps: number): number {
  return settings.every ?? Math.max(1, Math.ceil(totalSteps / defaultRecordCount));
}

export function recordParams(settings: RecordSettings, dimension: number): boolean {
  return settings.params ?? dimension <= defaultRecordedDimension;
}

/**
 * Records a run of at most `maxSteps` updates makes, at most, whatever its epochs: every
 * `record.every`-th update and the last one; by default at most 10,000 (see recordEvery).
 */
export function recordsAtMost(settings: RecordSettings, maxSteps: number): number {
  if (settings.every === undefined) return Math.min(maxSteps, defaultRecordCount);
  return Math.min(maxSteps, Math.floor(maxSteps / settings.every) + 1);
}
