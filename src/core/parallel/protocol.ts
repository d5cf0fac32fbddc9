/**
 * What a parallel algorithm does around each replica's local step, in the simulation: the
 * exchange with the center or server before it, the update it makes, and the exchanges still
 * pending when the run ends. One implementation per algorithm (hogwild.ts, downpour.ts,
 * easgd.ts, adaptive-revision.ts); parallel-trainer.ts interleaves the replicas.
 */
import type { Replica } from './replica.ts';
import type { ProtocolState } from './state.ts';

export interface Protocol {
  /** Whether replicas keep their own vector x_i. */
  readonly ownParams: boolean;
  /** Whether a replica's local step counts ticks (hogwild) rather than its own steps. */
  readonly countsTicks: boolean;
  /**
   * The exchange due before replica r's step at tick `tick`, if any; returns the vector at which
   * the replica takes its gradient (x_i, or the shared/server vector).
   */
  prepare(replica: Replica, tick: number): Float64Array;
  /** The replica's update, its gradient in `replica.local.gradient`. */
  update(replica: Replica, tick: number): void;
  /** The run ends after tick `tick`: pending pushes or delayed updates are applied. True when the center changed. */
  finish(replicas: readonly Replica[], tick: number): boolean;
  getState(): ProtocolState;
  setState(state: ProtocolState, replicas: readonly Replica[], tick: number): void;
}
