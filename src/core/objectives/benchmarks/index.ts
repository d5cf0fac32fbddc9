/** The benchmark registry: one line per function. It drives the spec's enum and the tests. */
import { ackley } from './ackley.ts';
import { beale } from './beale.ts';
import type { BenchmarkDefinition } from './benchmark.ts';
import { booth } from './booth.ts';
import { himmelblau } from './himmelblau.ts';
import { matyas } from './matyas.ts';
import { quadratic } from './quadratic.ts';
import { rastrigin } from './rastrigin.ts';
import { rosenbrock } from './rosenbrock.ts';
import { saddle } from './saddle.ts';
import { sphere } from './sphere.ts';
import { styblinskiTang } from './styblinski-tang.ts';
import { threeHumpCamel } from './three-hump-camel.ts';

export const benchmarks = {
  rosenbrock,
  beale,
  booth,
  himmelblau,
  saddle,
  quadratic,
  rastrigin,
  ackley,
  'styblinski-tang': styblinskiTang,
  sphere,
  matyas,
  'three-hump-camel': threeHumpCamel,
} satisfies Record<string, BenchmarkDefinition>;

export type BenchmarkName = keyof typeof benchmarks;
export const benchmarkNames = Object.keys(benchmarks) as [BenchmarkName, ...BenchmarkName[]];

export { maxBenchmarkDimensions, resolveDimensions, type BenchmarkDefinition,  } from './benchmark.ts';
export { defaultConditionNumber } from './quadratic.ts';
