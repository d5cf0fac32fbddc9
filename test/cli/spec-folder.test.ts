/** The folder a spec's relative data paths are read from, the same for descent run, sweep, submit and sweep --remote. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specFolder } from '../../src/cli/spec-file.ts';

describe('specFolder', () => {
  it("is the spec file's own folder, however the file is named", () => {
    expect(specFolder(join('specs', 'model', 'run.json'))).toBe(join('specs', 'model'));
    expect(specFolder('/tmp/specs/run.json')).toBe('/tmp/specs');
    expect(specFolder('run.json')).toBe('.');
  });

  it('is the current folder for a spec from standard input', () => {
    expect(specFolder('-')).toBe(process.cwd());
  });
});
