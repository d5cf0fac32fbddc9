/**
 * Downpour SGD (Dean et al. 2012, "Large Scale Distributed Deep Networks"), in the form Zhang
 * et al. 2015 give it: replica i keeps x_i and the displacement v_i its local steps made since
 * its last push; every τ of its steps it pushes v_i to the server and pulls the server's x̃:
 *
 *   if c_i mod τ = 0:  x̃ ← x̃ + v_i;  v_i ← 0;  x_i ← x̃
 *   then one step of the run's optimizer on x_i;  v_i ← v_i + (x_i,after − x_i,before).
 *
 * At the end every replica pushes its pending v_i, in replica order.
 *
 * When no other replica pushed since replica i pulled, x̃ + v_i equals x_i in exact arithmetic
 * and the server takes x_i itself: so one replica with τ = 1 is its optimizer alone bit for bit,
 * where the float sum x̃ + (x_after − x_before) could differ from x_after in the last bit.
 */
import type { Protocol } from './protocol.ts';
import type { Replica } from './replica.ts';
import type { StalenessHistogram } from './report.ts';
import type { ProtocolState } from './state.ts';

export class DownpourProtocol implements Protocol {
  readonly ownParams = true;
  readonly countsTicks = false;
  /** Pushes applied to the server so far. */
  private version = 0;
  private readonly displacements: Float64Array[];
  private readonly pulledVersions: Int32Array;
  /** Local steps each replica made since its last push. */
  private readonly pendingSteps: Int32Array;
  private readonly before: Float64Array;

  constructor(
    private readonly server: Float64Array,
    private readonly communicationPeriod: number,
    replicas: number,
    private readonly staleness: StalenessHistogram,
  ) {
    this.displacements = Array.from({ length: replicas }, () => new Float64Array(server.length));
    this.pulledVersions = new Int32Array(replicas);
    this.pendingSteps = new Int32Array(replicas);
    this.before = new Float64Array(server.length);
  }

  /** x̃ ← x̃ + v_i, v_i ← 0: replica i's pending displacement (its steps since its last pull). */
  private push(replica: Replica): void {
    const server = this.server;
    const params = replica.params!;
    const displacement = this.displacements[replica.index];
    this.staleness.record(this.version - this.pulledVersions[replica.index]);
    if (this.pulledVersions[replica.index] === this.version) server.set(params);
    else for (let j = 0; j < server.length; j++) server[j] += displacement[j];
    displacement.fill(0);
    this.pendingSteps[replica.index] = 0;
    this.version++;
  }

  prepare(replica: Replica): Float64Array {
    const params = replica.params!;
    if (replica.steps % this.communicationPeriod === 0) {
      if (this.pendingSteps[replica.index] > 0) this.push(replica);
      params.set(this.server);
      this.pulledVersions[replica.index] = this.version;
      replica.exchanges++;
    }
    return params;
  }

  update(replica: Replica): void {
    const params = replica.params!;
    const before = this.before;
    for (let j = 0; j < params.length; j++) before[j] = params[j];
    replica.local.apply(params);
    const displacement = this.displacements[replica.index];
    for (let j = 0; j < params.length; j++) displacement[j] += params[j] - before[j];
    this.pendingSteps[replica.index]++;
  }

  finish(replicas: readonly Replica[]): boolean {
    let changed = false;
    for (const replica of replicas) {
      if (this.pendingSteps[replica.index] === 0) continue;
      this.push(replica);
      replica.exchanges++;
      changed = true;
    }
    return changed;
  }

  getState(): ProtocolState {
    return {
      version: this.version,
      displacements: this.displacements.map((vector) => Array.from(vector)),
      pulledVersions: Array.from(this.pulledVersions),
      pendingSteps: Array.from(this.pendingSteps),
    };
  }

  setState(state: ProtocolState): void {
    if (state.version === undefined || !state.displacements || !state.pulledVersions || !state.pendingSteps || state.displacements.length !== this.displacements.length) {
      throw new Error('The checkpoint lacks the downpour server state of every replica.');
    }
    this.version = state.version;
    state.displacements.forEach((vector, i) => this.displacements[i].set(vector));
    this.pulledVersions.set(state.pulledVersions);
    this.pendingSteps.set(state.pendingSteps);
  }
}
