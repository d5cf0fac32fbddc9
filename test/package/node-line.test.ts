/**
 * One Node line everywhere: `engines` in package.json, the Dockerfile's base image, and every
 * installed dependency's own `engines` (npm warns EBADENGINE when one wants a newer Node).
 */
import { readFile } from 'node:fs/promises';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readJson = async (path: string) => JSON.parse(await readFile(new URL(path, root), 'utf8'));

describe('the Node line', () => {
  it('is one: engines, the Docker image and every locked dependency agree', async () => {
    const manifest = await readJson('package.json');
    const oldest = semver.minVersion(manifest.engines.node)!;
    const dockerfile = await readFile(new URL('docker/Dockerfile', root), 'utf8');
    const images = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((match) => Number(match[1]));
    expect(images.length).toBeGreaterThan(0);
    for (const major of images) expect(major, 'Dockerfile base image').toBe(oldest.major);

    const lock = await readJson('package-lock.json');
    const wanting = Object.entries(lock.packages as Record<string, { engines?: { node?: string } | string[] }>)
      .filter(([, entry]) => entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path} wants node ${(entry.engines as { node: string }).node}`);
    expect(wanting, `dependencies that need a newer Node than ${oldest}`).toEqual([]);
  });
});
