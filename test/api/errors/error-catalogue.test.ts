import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../../src/api/errors/error-catalogue.ts';
import { readmePath, withErrorTable } from '../../../src/api/errors/readme-error-table.ts';

const sourceRoot = fileURLToPath(new URL('../../../src/', import.meta.url));

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  }));
  return nested.flat();
}

describe('the error catalogue', () => {
  it('is the README\'s error table (run `npm run openapi` after changing it)', async () => {
    const readme = await readFile(readmePath, 'utf8');
    expect(readme, 'README.md error table is out of date: run `npm run openapi`').toBe(withErrorTable(readme));
    for (const code of Object.keys(errorCatalogue)) expect(readme).toContain(`\`${code}\``);
  });

  it('gives every code the status the code answers with', async () => {
    const answered: [string, number, string][] = [];
    for (const file of await sourceFiles(sourceRoot)) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/new AppError\((\d{3}), '(\w+)'/g)) answered.push([match[2]!, Number(match[1]), file]);
      for (const match of text.matchAll(/status: (\d{3}),\s*code: '(\w+)'/g)) answered.push([match[2]!, Number(match[1]), file]);
    }
    expect(answered.length).toBeGreaterThan(20);
    for (const [code, status, file] of answered) {
      expect(errorCatalogue, `${code} (${file})`).toHaveProperty(code);
      expect(errorCatalogue[code as keyof typeof errorCatalogue].status, `${code} (${file})`).toBe(status);
    }
  });
});
