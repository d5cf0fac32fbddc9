/**
 * One WebAssembly memory per thread that holds the vectors the SIMD kernels work on, and the
 * kernels module instantiated over it.
 *
 * `allocateVector(n)` hands out a Float64Array view of n zeros in that memory when the kernels
 * are available and n reaches the threshold (`kernelPolicy.threshold`); otherwise a plain
 * Float64Array. Callers use either alike; a kernel runs only when every operand is a view in
 * kernel memory (`kernelsFor`), and the JavaScript loop, the reference, runs otherwise.
 *
 * The memory is shared (a SharedArrayBuffer): growing it never detaches the views handed out
 * before, whose buffers keep their length. A block returns to the free list when its view is
 * garbage collected; views are never handed out of a block but the one registered for it.
 */
import { kernelsBase64, kernelsMaximumPages } from '../../generated/kernels/webassembly.ts';
import type { KernelExports } from './kernel-exports.ts';

/**
 * The part of the WebAssembly JavaScript API used here (the core's TypeScript library has no
 * DOM types); absent on a runtime without WebAssembly.
 */
interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WebAssemblyApi {
  validate(binary: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => SharedMemory;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const pageBytes = 65_536;
/** Blocks start on 16-byte boundaries, the width of one f64x2 load. */
const alignment = 16;
/** The first page is left to the module (it has no data segments or stack today). */
const firstOffset = pageBytes;

/**
 * When the kernels are used. `threshold`: the smallest vector length allocated in kernel memory;
 * below it the JavaScript loop is as fast (measured by `npm run bench:core`: at 64 elements the
 * call into WebAssembly costs about what the SIMD saves). `enabled: false` turns them off.
 */
export const kernelPolicy = { enabled: true, threshold: 64 };

interface Block {
  offset: number;
  bytes: number;
}

interface KernelRuntime {
  readonly memory: SharedMemory;
  readonly exports: KernelExports;
  /** Every buffer a view was made on (the memory's buffer changes on each growth). */
  readonly buffers: WeakSet<ArrayBufferLike>;
  /** Free blocks below `top`, sorted by offset, never adjacent (merged on release). */
  readonly free: Block[];
  top: number;
  readonly registry: FinalizationRegistry<Block>;
}

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The kernels, or null where WebAssembly SIMD or shared memory is unavailable. */
function instantiate(): KernelRuntime | null {
  try {
    const binary = decode(kernelsBase64);
    if (webAssembly === undefined || !webAssembly.validate(binary)) return null;
    const memory = new webAssembly.Memory({ initial: 2, maximum: kernelsMaximumPages, shared: true });
    const instance = new webAssembly.Instance(new webAssembly.Module(binary), { env: { memory } });
    const runtime: KernelRuntime = {
      memory,
      exports: instance.exports as unknown as KernelExports,
      buffers: new WeakSet(),
      free: [],
      top: firstOffset,
      registry: new FinalizationRegistry((block) => release(runtime, block)),
    };
    return runtime;
  } catch {
    return null;
  }
}

const runtime = instantiate();

/** Whether this process can run the WebAssembly SIMD kernels at all. */
export const kernelsAvailable = runtime !== null;

/** A first-fit block of `bytes`, taken from the free list or from the top (growing the memory). */
function reserve(state: KernelRuntime, bytes: number): Block | null {
  for (let i = 0; i < state.free.length; i++) {
    const block = state.free[i];
    if (block.bytes < bytes) continue;
    const taken = { offset: block.offset, bytes };
    block.offset += bytes;
    block.bytes -= bytes;
    if (block.bytes === 0) state.free.splice(i, 1);
    return taken;
  }
  const end = state.top + bytes;
  const available = state.memory.buffer.byteLength;
  if (end > available) {
    try {
      state.memory.grow(Math.ceil((end - available) / pageBytes));
    } catch {
      return null;
    }
  }
  const taken = { offset: state.top, bytes };
  state.top = end;
  return taken;
}

function release(state: KernelRuntime, block: Block): void {
  const free = state.free;
  let index = 0;
  while (index < free.length && free[index].offset < block.offset) index++;
  free.splice(index, 0, { ...block });
  // Merge with the following block, then with the preceding one.
  if (index + 1 < free.length && free[index].offset + free[index].bytes === free[index + 1].offset) {
    free[index].bytes += free[index + 1].bytes;
    free.splice(index + 1, 1);
  }
  if (index > 0 && free[index - 1].offset + free[index - 1].bytes === free[index].offset) {
    free[index - 1].bytes += free[index].bytes;
    free.splice(index, 1);
    index--;
  }
  // A free block at the top lowers the top instead.
  const last = free[free.length - 1];
  if (last && last.offset + last.bytes === state.top) {
    state.top = last.offset;
    free.pop();
  }
}

/**
 * The length of the shortest vector ever handed out in kernel memory: a shorter one is not
 * there, which kernelsFor tells without asking for its buffer. A small run's vectors (a few
 * parameters, below the threshold) are checked at every step, and asking a small typed array
 * for its buffer makes V8 create one for it: its checks were about a fifth of its steps' CPU.
 */
let shortestKernelVector = Infinity;

/** A zeroed vector of `length` float64 values: in kernel memory when the policy says so. */
export function allocateVector(length: number): Float64Array {
  if (runtime === null || !kernelPolicy.enabled || length < kernelPolicy.threshold) return new Float64Array(length);
  const bytes = Math.max(alignment, Math.ceil((length * 8) / alignment) * alignment);
  const block = reserve(runtime, bytes);
  if (block === null) return new Float64Array(length);
  const buffer = runtime.memory.buffer;
  runtime.buffers.add(buffer);
  shortestKernelVector = Math.min(shortestKernelVector, length);
  const view = new Float64Array(buffer, block.offset, length);
  view.fill(0);
  runtime.registry.register(view, block);
  return view;
}

/** A vector holding a copy of `values`, allocated as `allocateVector` does. */
export function copyToVector(values: ArrayLike<number>): Float64Array {
  const vector = allocateVector(values.length);
  vector.set(values);
  return vector;
}

/** True when `vector` lives in kernel memory. */
export function isKernelVector(vector: Float64Array): boolean {
  return runtime !== null && runtime.buffers.has(vector.buffer);
}

/**
 * The kernels when every vector given lives in kernel memory (and the kernels are enabled),
 * else null: the caller then runs its JavaScript loop.
 */
export function kernelsFor(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array = a,
  d: Float64Array = a,
  e: Float64Array = a,
): KernelExports | null {
  if (runtime === null || !kernelPolicy.enabled || a.length < shortestKernelVector) return null;
  const buffers = runtime.buffers;
  const inMemory = buffers.has(a.buffer) && buffers.has(b.buffer) && buffers.has(c.buffer) && buffers.has(d.buffer) && buffers.has(e.buffer);
  return inMemory ? runtime.exports : null;
}
