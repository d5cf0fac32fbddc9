/**
 * Running a torch script for a benchmark's peer column: Debian's python3-torch belongs to the
 * system interpreter, which a python3 earlier on PATH (a version manager's) may hide, so both
 * are tried. The script prints one JSON line last; its parsed value is returned, or the reason
 * it could not run.
 */
import { spawnSync } from 'node:child_process';

export function runTorchScript<T>(script: string, args: readonly string[]): T | { unavailable: string } {
  const interpreters = ['python3', '/usr/bin/python3'];
  const python = interpreters.find((candidate) => spawnSync(candidate, ['-c', 'import torch']).status === 0);
  if (!python) return { unavailable: 'no python3 on this machine can import torch (Debian: apt-get install python3-torch)' };
  const run = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', timeout: 900_000 });
  if (run.status !== 0) return { unavailable: run.stderr.trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}
