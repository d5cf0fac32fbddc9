/**
 * One Adam step on n float64 parameters (n = 1e3, 1e5, 1e6), measured interleaved against:
 *   (i)   a plain loop streaming the same arrays (θ, g, m, v read; θ, m, v written): the memory
 *         ceiling for any fused Adam step;
 *   (ii)  @tensorflow/tfjs's Adam (tf.train.adam) on its cpu backend, which is float32;
 *   (iii) torch.optim.Adam on CPU (float64, one thread) in a python3 subprocess, when
 *         `import torch` works there; it times itself, so it is not interleaved.
 * Targets: ≤ 1.3× the ceiling at 1e6, faster than tfjs at every size.
 *
 * Run alone: npx tsx bench/core/adam-step.ts
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, optimizerConfigSchema } from '../../src/core/optimizers/index.ts';
import { formatRatio, measureInterleaved, printTable, type Candidate } from '../support/measure.ts';
import { Random } from '../../src/core/random.ts';

const sizes = [1e3, 1e5, 1e6];
const learningRate = 0.001;

/** Steps per timed sample, so that each sample takes a few milliseconds at least. */
const stepsPerSample = (size: number) => Math.max(1, Math.round(2e6 / size));

function randomVector(size: number, random: Random): Float64Array {
  const vector = new Float64Array(size);
  for (let i = 0; i < size; i++) vector[i] = random.normal();
  return vector;
}

function oursCandidate(size: number, random: Random): Candidate {
  const optimizer = createOptimizer(size, optimizerConfigSchema.parse({ name: 'adam', learningRate }));
  const params = randomVector(size, random);
  const gradient = randomVector(size, random);
  const repetitions = stepsPerSample(size);
  let t = 0;
  return {
    name: 'descent adam',
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
function measureTorch(): { version: string; seconds: Record<string, number> } | { unavailable: string } {
  // Debian's python3-torch belongs to the system interpreter, which a python3 earlier on PATH
  // (a version manager's) may hide: try both.
  const interpreters = ['python3', '/usr/bin/python3'];
  const python = interpreters.find((candidate) => spawnSync(candidate, ['-c', 'import torch']).status === 0);
  if (!python) return { unavailable: 'no python3 on this machine can import torch (Debian: apt-get install python3-torch)' };
  const run = spawnSync(python, ['-c', torchScript, JSON.stringify(sizes)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) return { unavailable: run.stderr.trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
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
    const [ours, ceiling, peer] = await measureInterleaved([oursCandidate(size, random), ceilingCandidate(size, random), tfjs], {
      rounds: 15,
      warmupRounds: 3,
    });
    tfjs.dispose();
    oursSeconds.push(ours.secondsPerUnit);
    // Bytes per element a fused step moves: θ, g, m, v read and θ, m, v written, 8 bytes each.
    const gigabytesPerSecond = (56 * size) / ours.secondsPerUnit / 1e9;
    rows.push([
      size.toExponential(0),
      formatTime(ours.secondsPerUnit),
      formatTime(ceiling.secondsPerUnit),
      formatRatio(ours.secondsPerUnit / ceiling.secondsPerUnit),
      formatTime(peer.secondsPerUnit),
      formatRatio(peer.secondsPerUnit / ours.secondsPerUnit),
      `${gigabytesPerSecond.toFixed(1)} GB/s`,
    ]);
  }
  printTable(
    'Adam step, float64 (median per step; interleaved; tfjs cpu backend is float32)',
    ['params', 'descent', 'ceiling', 'descent/ceiling', 'tfjs', 'tfjs/descent', 'descent traffic'],
    rows,
  );

  const torch = measureTorch();
  if ('unavailable' in torch) {
    console.log(`torch.optim.Adam: skipped (${torch.unavailable})`);
    return;
  }
  printTable(
    `torch.optim.Adam ${torch.version}, CPU float64, 1 thread (separate process, its own median; not interleaved)`,
    ['params', 'torch', 'torch/descent'],
    sizes.map((size, k) => {
      const seconds = torch.seconds[String(size)];
      return [size.toExponential(0), formatTime(seconds), formatRatio(seconds / oursSeconds[k])];
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
