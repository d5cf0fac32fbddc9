/** Builds a parsed run spec for tests whose objective is passed in directly. */
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import type { RunConfig } from '../../../src/core/training/index.ts';

export function runConfig(input: Omit<RunSpecInput, 'objective'>): RunConfig {
  return runSpecSchema.parse({ objective: { id: 'hand-written' }, ...input });
}
