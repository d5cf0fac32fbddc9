/**
 * Hogwild! (Niu, Recht, Ré & Wright 2011, "HOGWILD!: A Lock-Free Approach to Parallelizing
 * Stochastic Gradient Descent"): p threads update one shared θ without locks. Simulated, the
 * ticking replica computes its mini-batch gradient at θ and applies θ ← θ − η·g (its local step
 * counts the ticks). Concurrent: worker threads over a SharedArrayBuffer (../../worker/hogwild/).
 */
import type { Protocol } from './protocol.ts';
import type { Replica } from './replica.ts';
import type { StalenessHistogram } from './report.ts';

export class HogwildProtocol implements Protocol {
  readonly ownParams = false;
  readonly countsTicks = true;

  constructor(
    private readonly shared: Float64Array,
    private readonly staleness: StalenessHistogram,
  ) {}

  prepare(): Float64Array {
    return this.shared;
  }

  update(replica: Replica): void {
    replica.local.apply(this.shared);
    // Read and written in the same tick: no other update in between.
    this.staleness.record(0);
    replica.exchanges++;
  }

  finish(): boolean {
    return false;
  }

  getState() {
    return {};
  }

  setState(): void {}
}
