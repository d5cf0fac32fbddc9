import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { defaultTestDatabaseUrl } from '../support/test-database.ts';

const examplePath = new URL('../../.env.example', import.meta.url);

async function exampleSettings(): Promise<Map<string, string>> {
  const lines = (await readFile(examplePath, 'utf8')).split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  return new Map(lines.map((line) => {
    const [name, ...value] = line.split('=');
    return [name!, value.join('=')];
  }));
}

describe('.env.example', () => {
  it('lists every setting of the configuration schema with its default, and the tests\' database', async () => {
    const example = await exampleSettings();
    const defaults = configSchema.parse({});
    expect([...example.keys()].sort()).toEqual([...Object.keys(configSchema.shape), 'TEST_DATABASE_URL'].sort());
    for (const [name, value] of Object.entries(defaults)) expect(example.get(name), name).toBe(String(value));
    expect(example.get('TEST_DATABASE_URL')).toBe(defaultTestDatabaseUrl);
  });

  it('and the README describes each of them', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const name of [...Object.keys(configSchema.shape), 'TEST_DATABASE_URL']) expect(readme, name).toContain(`\`${name}\``);
  });
});
