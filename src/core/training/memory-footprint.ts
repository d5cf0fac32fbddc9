/**
 * The bytes a worker must hold to run a run, estimated from its spec and its objective before it
 * is queued, so that a run no worker can hold is refused at submission rather than failing in
 * the worker, attempt after attempt. With d parameters and 8-byte entries:
 *
 *   run loop    3·d + b·d      θ, the loop's two copies of θ (before the update, for updateNorm),
 *                              and the best θ when early stopping restores it (b = 1)
 *   replicas    R·(1 + s + a + o)·d   per replica (R = 1 without `parallel`): its gradient, its
 *                              optimizer's s state vectors (Adam: 2), a look-ahead point (a = 1 for
 *                              Nesterov's paper flavor) and its own θ (o = 1 in parallel runs but
 *                              hogwild's); plus the parallel algorithm's own vectors (Downpour's
 *                              displacements, adaptive revision's delayed gradients)
 *   checkpoint  6·(θ, best θ, the replicas' θ and state, the algorithm's vectors): as arrays (whose
 *                              storage grows while they are copied), as float64 bytes, and in the
 *                              database driver's message (up to twice while it grows). Measured (RSS,
 *                              which counts garbage not yet collected): a 5·10⁶-parameter Adam run
 *                              peaks 1.0 to 1.2 GB over its start while it takes, encodes and sends a
 *                              checkpoint; this says 1.0 GB
 *   objective   its data, parameter names and scratch for a batch (Objective.memoryBytes), once
 *                              per copy: one, and one per thread or replica job of a concurrent run
 *   records     a concurrent hogwild run's rings of recorded steps (recordRingSize: at most 8 MB
 *                              unless two slots a thread, one for a lone thread, are more), and as
 *                              many again per checkpoint copy: a checkpoint keeps the records
 *                              waiting in them
 */
import type { Objective } from '../objectives/objective.ts';
import { isDataObjective } from '../objectives/objective.ts';
import { createOptimizer } from '../optimizers/index.ts';
import { resolveParallelSettings, type ResolvedParallelSettings } from '../parallel/settings.ts';
import type { RunConfig } from './run-config.ts';
import { ticksPerEpoch } from './data-batches.ts';
import { recordEvery } from './record-settings.ts';
import { recordRingSize, slotLength } from './record-ring-size.ts';
import { totalTicks } from './run-engine.ts';

const entryBytes = Float64Array.BYTES_PER_ELEMENT;

/** Copies of the checkpointed vectors a write holds at its peak (see above). */
const checkpointCopies = 6;

interface FootprintPart {
  /** What the bytes hold, for messages: "optimizer state (2 vectors)". */
  readonly name: string;
  readonly bytes: number;
}

export interface MemoryFootprint {
  readonly bytes: number;
  readonly parts: readonly FootprintPart[];
}

/** The optimizer's state vectors and whether it takes its gradient at a look-ahead point, from a one-parameter instance. */
function optimizerVectors(config: RunConfig): { state: number; lookAhead: number } {
  const optimizer = createOptimizer(1, config.optimizer);
  const state = Object.values(optimizer.getState()).filter((value) => Array.isArray(value)).length;
  return { state, lookAhead: optimizer.gradientPoint ? 1 : 0 };
}

/** Vectors a parallel algorithm keeps besides its replicas: resident, and in its checkpoint. */
function algorithmVectors(settings: ResolvedParallelSettings): number {
  switch (settings.algorithm) {
    case 'downpour':
      return settings.replicas + 1;
    case 'adaptive-revision':
      return 3 + 2 * (settings.delay + 1);
    case 'easgd':
    case 'hogwild':
      return 0;
  }
}

/** What a worker must hold to run `config` on `objective` (built from its spec). */
export function memoryFootprint(config: RunConfig, objective: Objective): MemoryFootprint {
  const d = objective.dimension;
  const vectorBytes = d * entryBytes;
  const { state, lookAhead } = optimizerVectors(config);
  const parallel = config.parallel ? resolveParallelSettings(config.parallel) : null;
  const replicas = parallel?.replicas ?? 1;
  const ownParams = parallel !== null && parallel.algorithm !== 'hogwild' ? 1 : 0;
  const best = config.earlyStopping?.restoreBest ? 1 : 0;
  const algorithm = parallel ? algorithmVectors(parallel) : 0;
  const checkpointed = 1 + best + replicas * (state + ownParams) + algorithm;
  const batchRows = isDataObjective(objective) ? Math.min(config.training.batchSize ?? Infinity, objective.trainingRows) : 0;
  const objectiveCopies = parallel?.execution === 'concurrent' ? 1 + replicas : 1;
  const objectiveBytes = objective.memoryBytes ? objective.memoryBytes(batchRows) : vectorBytes;
  const parts: FootprintPart[] = [
    { name: `parameters and the run loop's copies (${3 + best} vectors)`, bytes: (3 + best) * vectorBytes },
    { name: `gradient and optimizer state (${replicas * (1 + state + lookAhead + ownParams)} vectors${replicas > 1 ? ` over ${replicas} replicas` : ''})`,
      bytes: replicas * (1 + state + lookAhead + ownParams) * vectorBytes },
    ...(algorithm > 0 ? [{ name: `the ${parallel!.algorithm} algorithm's vectors (${algorithm})`, bytes: algorithm * vectorBytes }] : []),
    { name: `checkpoint writes (${checkpointed} vectors, ${checkpointCopies} copies)`, bytes: checkpointCopies * checkpointed * vectorBytes },
    { name: objectiveCopies > 1 ? `the objective (${objectiveCopies} copies)` : 'the objective', bytes: objectiveCopies * objectiveBytes },
  ];
  if (parallel?.algorithm === 'hogwild' && parallel.execution === 'concurrent') {
    const data = isDataObjective(objective) ? objective : null;
    const ticks = totalTicks(config, ticksPerEpoch(data?.trainingRows ?? null, config.training.batchSize, replicas));
    const rings = recordRingSize(replicas, ticks, recordEvery(config.record, ticks), slotLength(config, d, (data?.validationRows ?? 0) > 0));
    parts.push({ name: `recorded steps waiting in the threads' rings (${replicas * rings.capacity} slots, ${checkpointCopies} checkpoint copies)`, bytes: (1 + checkpointCopies) * rings.bytes });
  }
  return { bytes: parts.reduce((sum, part) => sum + part.bytes, 0), parts };
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

/** Why a worker that holds at most `maxBytes` for one run cannot hold this one (what it needs, and for what); null when it can. */
export function footprintExcess(footprint: MemoryFootprint, dimension: number, maxBytes: number): string | null {
  if (footprint.bytes <= maxBytes) return null;
  const breakdown = footprint.parts.filter((part) => part.bytes > 0).map((part) => `${part.name} ${megabytes(part.bytes)}`).join(', ');
  return `The run needs about ${megabytes(footprint.bytes)} in a worker for its ${dimension.toLocaleString('en-US')} parameters `
    + `(${breakdown}); a worker holds at most ${megabytes(maxBytes)} for one run (WORKER_MAX_RUN_BYTES).`;
}
