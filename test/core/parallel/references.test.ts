/**
 * The simulated parallel algorithms against trajectories computed independently from the
 * contract's equations (test/fixtures/parallel/make-references.py, numpy): at every tick the
 * ticking replica's loss, and the center's parameters and validation loss, to 1e-9 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { iterateRun, type StepRecord } from '../../../src/core/training/index.ts';

interface ReferenceRecord {
  readonly step: number;
  readonly loss: number;
  readonly params: number[];
  readonly valLoss: number;
}

interface ReferenceCase {
  readonly id: string;
  readonly spec: unknown;
  readonly records: ReferenceRecord[];
}

const { cases } = JSON.parse(readFileSync(new URL('../../fixtures/parallel/references.json', import.meta.url), 'utf8')) as { cases: ReferenceCase[] };

/** max|ours − ref| ≤ 1e-9 · max(|ref|, 1e-12) over a vector. */
function deviates(ours: readonly number[], reference: readonly number[]): boolean {
  const scale = Math.max(1e-12, ...reference.map(Math.abs));
  return ours.some((value, i) => !(Math.abs(value - reference[i]) <= 1e-9 * scale));
}

function firstDeviation(records: StepRecord[], reference: ReferenceRecord[]): string | null {
  if (records.length !== reference.length) return `${records.length} records, the reference has ${reference.length}`;
  for (let k = 0; k < reference.length; k++) {
    const ours = records[k];
    const expected = reference[k];
    if (ours.step !== expected.step) return `record ${k} is step ${ours.step}, expected ${expected.step}`;
    if (deviates([ours.loss], [expected.loss])) return `step ${ours.step}: loss ${ours.loss}, reference ${expected.loss}`;
    if (deviates(ours.params!, expected.params)) return `step ${ours.step}: params ${ours.params!.join(', ')}, reference ${expected.params.join(', ')}`;
    if (deviates([ours.valLoss!], [expected.valLoss])) return `step ${ours.step}: valLoss ${ours.valLoss}, reference ${expected.valLoss}`;
  }
  return null;
}

describe('simulated parallel algorithms reproduce the reference trajectories', () => {
  it('covers every algorithm', () => {
    const algorithms = new Set(cases.map((referenceCase) => (referenceCase.spec as { parallel: { algorithm: string } }).parallel.algorithm));
    expect([...algorithms].sort()).toEqual(['adaptive-revision', 'downpour', 'easgd', 'hogwild']);
  });

  it.each(cases.map((referenceCase) => [referenceCase.id, referenceCase] as const))('%s', (_, referenceCase) => {
    const run = iterateRun(runSpecSchema.parse(referenceCase.spec));
    const records = [...run];
    expect(firstDeviation(records, referenceCase.records)).toBeNull();
    expect(run.result!.params).toEqual(records.at(-1)!.params);
    expect(run.result!.stopReason).toBe('max_steps');
  });
});
