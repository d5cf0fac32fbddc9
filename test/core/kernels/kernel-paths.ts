/** Running code on the WebAssembly SIMD path or on the JavaScript path, for the tests. */
import { expect } from 'vitest';
import { kernelPolicy, kernelsAvailable } from '../../../src/core/kernels/index.ts';

export type KernelPath = 'javascript' | 'webassembly';
export const kernelPaths: readonly KernelPath[] = ['javascript', 'webassembly'];

/**
 * Runs `body` with every vector allocated from now on in kernel memory (threshold 0, so even
 * the 2-parameter reference cases take the SIMD path), or with the kernels turned off.
 */
export function onPath<T>(path: KernelPath, body: () => T): T {
  const saved = { ...kernelPolicy };
  if (path === 'webassembly') expect(kernelsAvailable, 'this Node.js runs WebAssembly SIMD').toBe(true);
  kernelPolicy.enabled = path === 'webassembly';
  kernelPolicy.threshold = 0;
  try {
    return body();
  } finally {
    Object.assign(kernelPolicy, saved);
  }
}

/** Index of the first element where `a` and `b` differ in any bit (NaN payloads aside), or −1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
