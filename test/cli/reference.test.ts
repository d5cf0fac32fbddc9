/**
 * The reference trajectories (test/fixtures/reference/, paper and torch flavors) reproduced through
 * the real CLI path: spec file → `descent run --jsonl` → per-step records compared with the
 * README's rule max|ours − ref| ≤ 1e-9·max|ref|, for the parameters and the loss.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  comparedSteps,
  firstDeviatingStep,
  isExcludedReferenceCase,
  loadReferenceCases,
  referenceObjectiveSpec,
  referenceOptimizerConfig,
  type ReferenceCase,
} from '../support/reference.ts';
import { runCli } from './capture.ts';

const directory = mkdtempSync(join(tmpdir(), 'descent-reference-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function specFile(referenceCase: ReferenceCase): string {
  const spec = {
    objective: referenceObjectiveSpec(referenceCase),
    optimizer: referenceOptimizerConfig(referenceCase),
    training: { maxSteps: referenceCase.steps },
    record: { every: 1, params: true },
  };
  const file = join(directory, `${referenceCase.source}-${referenceCase.id}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

interface Line {
  step?: number;
  loss?: number;
  params?: number[];
  result?: { stopReason: string; steps: number };
}

function compare(referenceCase: ReferenceCase, stdout: string): void {
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Line);
  const records = lines.slice(0, -1);
  expect(lines.at(-1)!.result).toMatchObject({ stopReason: 'max_steps', steps: referenceCase.steps });
  expect(records.map((record) => record.step)).toEqual(Array.from({ length: referenceCase.steps }, (_, k) => k + 1));
  expect(firstDeviatingStep(referenceCase, records.map((record) => record.params!), 'theta')).toBeNull();
  expect(firstDeviatingStep(referenceCase, records.map((record) => [record.loss!]), 'loss')).toBeNull();
}

const cases = [...loadReferenceCases('paper'), ...loadReferenceCases('torch')].filter((referenceCase) => !isExcludedReferenceCase(referenceCase));

describe('reference trajectories through descent run --jsonl', () => {
  it('covers both sources', () => {
    expect(cases.filter((c) => c.source === 'paper')).toHaveLength(20);
    expect(cases.filter((c) => c.source === 'torch')).toHaveLength(24);
  });

  it.each(cases.map((referenceCase) => ({ name: `${referenceCase.source} ${referenceCase.id} (${comparedSteps(referenceCase)} steps)`, referenceCase })))(
    '$name',
    async ({ referenceCase }) => {
      const { code, stdout, stderr } = await runCli(['run', specFile(referenceCase), '--jsonl']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      compare(referenceCase, stdout);
    },
  );

  it('as a child process: node bin/descent.js run … --jsonl', async () => {
    const referenceCase = cases.find((c) => c.source === 'torch' && c.id === 'beale__Adam')!;
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/descent.js', 'run', specFile(referenceCase), '--jsonl'], {
      cwd: new URL('../../', import.meta.url),
      maxBuffer: 64 * 1024 * 1024,
    });
    compare(referenceCase, stdout);
  });
});
