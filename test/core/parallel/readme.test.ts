/** The README's parallel example runs locally as written, and through the contract the API uses. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { runCli } from '../../cli/capture.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Parallel and distributed SGD'), readme.indexOf('## Errors'));
const example = /```json\n([\s\S]*?)```/.exec(section)![1];
const directory = mkdtempSync(join(tmpdir(), 'descent-parallel-readme-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('README: parallel and distributed SGD', () => {
  it('the example spec validates and `descent run` runs it to its end', async () => {
    const spec = JSON.parse(example);
    expect(runSpecSchema.safeParse(spec).success).toBe(true);
    const file = join(directory, 'easgd.json');
    writeFileSync(file, example);
    const { code, stdout } = await runCli(['run', file, '--no-progress']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Stop reason: max_steps\n {2}Reached maxSteps: 2000 updates\./);
  });

  it('documents every algorithm of the registry', async () => {
    const { parallelAlgorithmNames } = await import('../../../src/core/parallel/index.ts');
    for (const name of parallelAlgorithmNames) expect(section).toContain(`**\`${name}\`**`);
  });
});
