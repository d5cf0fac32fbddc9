/** A parallel algorithm's registry entry: what it is, what it needs, and its simulation. */
import type { OptimizerConfig, OptimizerName } from '../optimizers/index.ts';
import type { Protocol } from './protocol.ts';
import type { StalenessHistogram } from './report.ts';
import type { Execution, ParallelAlgorithmName, ResolvedParallelSettings } from './settings.ts';

/** Fields of the `parallel` block beyond algorithm, replicas and execution. */
export type ParallelParameter = 'communicationPeriod' | 'movingRate' | 'delay' | 'shards';

interface SimulationContext {
  /** The center, server or shared vector, at the objective's initial parameters. */
  readonly center: Float64Array;
  readonly settings: ResolvedParallelSettings;
  readonly optimizer: OptimizerConfig;
  /** Where the protocol counts the staleness of each update it applies to the center or server. */
  readonly staleness: StalenessHistogram;
}

export interface ParallelAlgorithmDefinition {
  readonly name: ParallelAlgorithmName;
  /** One line for humans and for `GET /v1/parallel-algorithms`. */
  readonly description: string;
  /** The paper the algorithm comes from. */
  readonly paper: string;
  /** The only optimizer it runs with, when it needs one. */
  readonly optimizer?: OptimizerName;
  /** The parameters it uses; any other is an error. */
  readonly parameters: readonly ParallelParameter[];
  /** Parameters it accepts only in this execution. */
  readonly simulatedOnly?: readonly ParallelParameter[];
  /** Whether a learning-rate schedule applies to its steps. */
  readonly schedules: boolean;
  /** The executions this service can run it in. */
  readonly executions: readonly Execution[];
  simulate(context: SimulationContext): Protocol;
}
