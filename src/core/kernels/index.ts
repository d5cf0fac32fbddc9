export { allocateVector, copyToVector, isKernelVector, kernelPolicy, kernelsAvailable, kernelsFor } from './kernel-memory.ts';
export type { KernelExports } from './kernel-exports.ts';
