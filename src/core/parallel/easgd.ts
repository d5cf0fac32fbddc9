/**
 * Elastic Averaging SGD (Zhang, Choromanska & LeCun 2015, "Deep learning with Elastic
 * Averaging SGD", Algorithm 1; with optimizer `nesterov` it is their EAMSGD). Replica i keeps
 * x_i; every τ of its steps it is pulled toward the center x̃ and pulls the center toward it:
 *
 *   if c_i mod τ = 0:  e = α(x_i − x̃);  x_i ← x_i − e;  x̃ ← x̃ + e
 *   then one step of the run's optimizer on x_i.
 *
 * The elastic force lets replicas explore away from the center, which stays stable where
 * Downpour's plain averaging of displacements diverges (large τ, large η).
 */
import type { Protocol } from './protocol.ts';
import type { Replica } from './replica.ts';

export class ElasticAveragingProtocol implements Protocol {
  readonly ownParams = true;
  readonly countsTicks = false;

  constructor(
    private readonly center: Float64Array,
    private readonly communicationPeriod: number,
    private readonly movingRate: number,
  ) {}

  prepare(replica: Replica): Float64Array {
    const params = replica.params!;
    if (replica.steps % this.communicationPeriod === 0) {
      const center = this.center;
      const alpha = this.movingRate;
      for (let j = 0; j < params.length; j++) {
        const e = alpha * (params[j] - center[j]);
        params[j] -= e;
        center[j] += e;
      }
      replica.exchanges++;
    }
    return params;
  }

  update(replica: Replica): void {
    replica.local.apply(replica.params!);
  }

  finish(): boolean {
    return false;
  }

  getState() {
    return {};
  }

  setState(): void {}
}
