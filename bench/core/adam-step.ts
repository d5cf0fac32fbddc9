/**
 * One Adam step on n float64 parameters (n = 1e3, 1e5, 1e6). Descent's step runs as the
 * training loop runs it: θ and g allocated by the kernels (WebAssembly SIMD from the threshold
 * on). Measured interleaved against:
 *   (i)   the same step on the JavaScript path (plain Float64Arrays, the reference loop);
 *   (ii)  a plain JavaScript loop streaming the same arrays (θ, g, m, v read; θ, m, v written):
 *         the ceiling of any fused Adam step written in JavaScript;
 *   (iii) @tensorflow/tfjs's Adam (tf.train.adam) on its cpu backend, which is float32;
 * and, in their own processes (each times itself, so not interleaved):
 *   (iv)  the same Adam step in C, compiled here with `cc -O3` (and with the fastest exact flags)
 *         when a C compiler exists;
 *   (v)   torch.optim.Adam on CPU (float64, one thread) in a python3 subprocess, when
 *         `import torch` works there (Debian: apt-get install python3-torch).
 * Targets: faster than torch at 1e5 and 1e6, ≤ 2× the C time at 1e6, faster than tfjs everywhere.
 *
 * Run alone: npx tsx bench/core/adam-step.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, optimizerConfigSchema } from '../../src/core/optimizers/index.ts';
import { formatRatio, measureInterleaved, printTable, type Candidate } from '../support/measure.ts';
import { runTorchScript } from '../support/torch.ts';
import { Random } from '../../src/core/random.ts';
import { copyToVector, isKernelVector, kernelPolicy, kernelsAvailable } from '../../src/core/kernels/index.ts';

const sizes = [1e3, 1e5, 1e6];
const thresholdSizes = [8, 16, 32, 64, 128, 256];
const learningRate = 0.001;

/** Steps per timed sample, so that each sample takes a few milliseconds at least. */
const stepsPerSample = (size: number) => Math.max(1, Math.round(2e6 / size));

function randomVector(size: number, random: Random): Float64Array {
  const vector = new Float64Array(size);
  for (let i = 0; i < size; i++) vector[i] = random.normal();
  return vector;
}

/** Descent's Adam step, with its vectors allocated as the training loop does (`kernels` on) or plain. */
function oursCandidate(size: number, random: Random, kernels: boolean): Candidate {
  kernelPolicy.enabled = kernels;
  const optimizer = createOptimizer(size, optimizerConfigSchema.parse({ name: 'adam', learningRate }));
  const params = copyToVector(randomVector(size, random));
  const gradient = copyToVector(randomVector(size, random));
  kernelPolicy.enabled = true;
  const repetitions = stepsPerSample(size);
  let t = 0;
  return {
    name: kernels && isKernelVector(params) ? 'descent adam (simd)' : 'descent adam (javascript)',
    run() {
      for (let k = 0; k < repetitions; k++) optimizer.step(params, gradient, learningRate, ++t);
      return repetitions;
    },
  };
}

/** The same memory traffic as a fused Adam step with the cheapest arithmetic. */
function ceilingCandidate(size: number, random: Random): Candidate {
  const params = randomVector(size, random);
  const gradient = randomVector(size, random);
  const first = new Float64Array(size);
  const second = new Float64Array(size);
  const repetitions = stepsPerSample(size);
  return {
    name: 'memory ceiling',
    run() {
      for (let k = 0; k < repetitions; k++) {
        for (let i = 0; i < size; i++) {
          const g = gradient[i];
          const m = 0.9 * first[i] + g;
          const v = 0.999 * second[i] + g;
          first[i] = m;
          second[i] = v;
          params[i] -= 1e-3 * (m + v);
        }
      }
      return repetitions;
    },
  };
}

function tfjsCandidate(size: number, random: Random): Candidate & { dispose(): void } {
  const params = tf.variable(tf.tensor1d(Float32Array.from(randomVector(size, random)), 'float32'), true, `theta${size}`);
  const gradient = tf.tensor1d(Float32Array.from(randomVector(size, random)), 'float32');
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  const repetitions = Math.max(1, Math.round(stepsPerSample(size) / 20));
  return {
    name: 'tfjs adam (float32)',
    run() {
      for (let k = 0; k < repetitions; k++) optimizer.applyGradients([{ name: params.name, tensor: gradient }]);
      return repetitions;
    },
    dispose() {
      optimizer.dispose();
      params.dispose();
      gradient.dispose();
    },
  };
}

const torchScript = `
import json, statistics, sys, time
import torch
torch.set_num_threads(1)
result = {}
for size in json.loads(sys.argv[1]):
    p = torch.randn(size, dtype=torch.float64, requires_grad=True)
    p.grad = torch.randn(size, dtype=torch.float64)
    optimizer = torch.optim.Adam([p], lr=${learningRate})
    repetitions = max(1, round(2e6 / size))
    samples = []
    for round_ in range(18):
        start = time.perf_counter()
        with torch.no_grad():
            for _ in range(repetitions):
                optimizer.step()
        if round_ >= 3:
            samples.append((time.perf_counter() - start) / repetitions)
    result[str(size)] = statistics.median(samples)
print(json.dumps({"version": torch.__version__, "seconds": result}))
`;

/** torch.optim.Adam's median seconds per step by size, or the reason it could not run. */
function measureTorch() {
  return runTorchScript<{ version: string; seconds: Record<string, number> }>(torchScript, [JSON.stringify(sizes)]);
}

/** The C build's median seconds per step by size, or the reason it could not run. */
function measureC(flags: readonly string[]): { seconds: Record<string, number> } | { unavailable: string } {
  const directory = mkdtempSync(join(tmpdir(), 'adam-step-'));
  try {
    const binary = join(directory, 'adam-step');
    const source = fileURLToPath(new URL('./adam-step.c', import.meta.url));
    const compile = spawnSync('cc', [...flags, '-o', binary, source, '-lm'], { encoding: 'utf8' });
    if (compile.error || compile.status !== 0) return { unavailable: compile.error?.message ?? compile.stderr.trim() };
    const run = spawnSync(binary, sizes.map(String), { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) return { unavailable: run.stderr.trim() || 'failed' };
    return { seconds: JSON.parse(run.stdout) as Record<string, number> };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const formatTime = (seconds: number) =>
  seconds >= 1e-3 ? `${(seconds * 1e3).toFixed(2)} ms` : `${(seconds * 1e6).toFixed(1)} µs`;

export async function run(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const random = new Random(20240901);
  const rows: string[][] = [];
  const oursSeconds: number[] = [];
  for (const size of sizes) {
    const tfjs = tfjsCandidate(size, random);
    const candidates = [oursCandidate(size, random, true), oursCandidate(size, random, false), ceilingCandidate(size, random), tfjs];
    const [ours, javascript, ceiling, peer] = await measureInterleaved(candidates, { rounds: 15, warmupRounds: 3 });
    tfjs.dispose();
    oursSeconds.push(ours.secondsPerUnit);
    // Bytes per element a fused step moves: θ, g, m, v read and θ, m, v written, 8 bytes each.
    const gigabytesPerSecond = (56 * size) / ours.secondsPerUnit / 1e9;
    rows.push([
      size.toExponential(0),
      ours.name.replace('descent adam ', ''),
      formatTime(ours.secondsPerUnit),
      formatTime(javascript.secondsPerUnit),
      formatRatio(javascript.secondsPerUnit / ours.secondsPerUnit),
      formatTime(ceiling.secondsPerUnit),
      formatRatio(ours.secondsPerUnit / ceiling.secondsPerUnit),
      formatTime(peer.secondsPerUnit),
      formatRatio(peer.secondsPerUnit / ours.secondsPerUnit),
      `${gigabytesPerSecond.toFixed(1)} GB/s`,
    ]);
  }
  printTable(
    `Adam step, float64 (median per step; interleaved; tfjs cpu backend is float32; WebAssembly SIMD ${kernelsAvailable ? `from ${kernelPolicy.threshold} parameters` : 'unavailable'})`,
    ['params', 'path', 'descent', 'js path', 'js/descent', 'js ceiling', 'descent/ceiling', 'tfjs', 'tfjs/descent', 'descent traffic'],
    rows,
  );

  // Where the SIMD path starts to pay: the threshold of kernelPolicy comes from this table.
  const thresholdRows: string[][] = [];
  const savedThreshold = kernelPolicy.threshold;
  kernelPolicy.threshold = 0;
  for (const size of thresholdSizes) {
    const [simd, javascript] = await measureInterleaved([oursCandidate(size, random, true), oursCandidate(size, random, false)], {
      rounds: 9,
      warmupRounds: 3,
    });
    thresholdRows.push([String(size), formatTime(simd.secondsPerUnit), formatTime(javascript.secondsPerUnit), formatRatio(javascript.secondsPerUnit / simd.secondsPerUnit)]);
  }
  kernelPolicy.threshold = savedThreshold;
  printTable(
    `Small vectors: the same Adam step forced onto each path (the SIMD path is taken from ${savedThreshold} parameters on)`,
    ['params', 'simd', 'javascript', 'javascript/simd'],
    thresholdRows,
  );

  const peers: [string, ReturnType<typeof measureC>][] = [
    ['C, cc -O3', measureC(['-O3'])],
    // The fastest exact C: vectorised sqrt (no errno), the widest vectors of this CPU (AVX2: 4 lanes to WebAssembly's 2).
    ['C, cc -O3 -fno-math-errno -march=native', measureC(['-O3', '-fno-math-errno', '-march=native'])],
    ['torch.optim.Adam, CPU float64, 1 thread', measureTorch()],
  ];
  for (const [name, peer] of peers) {
    if ('unavailable' in peer) {
      console.log(`\n${name}: skipped (${peer.unavailable})`);
      continue;
    }
    const version = 'version' in peer ? ` ${String(peer.version)}` : '';
    printTable(
      `${name}${version} (separate process, its own median; not interleaved)`,
      ['params', 'peer', 'descent', 'descent/peer'],
      sizes.map((size, k) => {
        const seconds = peer.seconds[String(size)];
        return [size.toExponential(0), formatTime(seconds), formatTime(oursSeconds[k]), formatRatio(oursSeconds[k] / seconds)];
      }),
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
