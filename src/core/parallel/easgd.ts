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
import type { StalenessHistogram } from './report.ts';
import type { ProtocolState } from './state.ts';

export class ElasticAveragingProtocol implements Protocol {
  readonly ownParams = true;
  readonly countsTicks = false;
  /** Elastic exchanges applied to the center so far. */
  private version = 0;
  /** The center's version at each replica's last exchange (0: its start). */
  private readonly lastVersions: Int32Array;

  constructor(
    private readonly center: Float64Array,
    private readonly communicationPeriod: number,
    private readonly movingRate: number,
    replicas: number,
    private readonly staleness: StalenessHistogram,
  ) {
    this.lastVersions = new Int32Array(replicas);
  }

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
      this.staleness.record(this.version - this.lastVersions[replica.index]);
      this.version++;
      this.lastVersions[replica.index] = this.version;
    }
    return params;
  }

  update(replica: Replica): void {
    replica.local.apply(replica.params!);
  }

  finish(): boolean {
    return false;
  }

  getState(): ProtocolState {
    return { version: this.version, pulledVersions: Array.from(this.lastVersions) };
  }

  setState(state: ProtocolState): void {
    // Checkpoints written before staleness was counted have neither: the count restarts from there.
    this.version = state.version ?? 0;
    if (state.pulledVersions && state.pulledVersions.length === this.lastVersions.length) this.lastVersions.set(state.pulledVersions);
    else this.lastVersions.fill(this.version);
  }
}
