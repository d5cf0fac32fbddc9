/**
 * The limit on what one run may ask a worker to hold (WORKER_MAX_RUN_BYTES): a run beyond it is
 * refused at submission with a 422 naming the field that makes it large, the bytes it needs,
 * what they hold and the limit. Before, a 10⁷-parameter Adam run was accepted and then failed in
 * the worker three times, each attempt using 2 GB.
 */
import type { RunSpec } from '../../../contracts/run-spec.ts';
import { footprintExcess, type MemoryFootprint } from '../../../core/training/index.ts';
import type { Inspection } from '../../objective-thread/inspect-objective.ts';
import { AppError } from '../../errors/app-error.ts';

/** The field whose value makes the run large: the replicas when one replica would fit, else where the objective's size is set. */
function responsibleField(spec: RunSpec, oneReplica: MemoryFootprint | null, maxBytes: number): string {
  if (oneReplica && oneReplica.bytes <= maxBytes) return 'parallel.replicas';
  const objective = spec.objective;
  if (!('type' in objective)) return 'objective.id';
  if (objective.type === 'benchmark') return objective.dimensions !== undefined ? 'objective.dimensions' : objective.initial !== undefined ? 'objective.initial' : 'objective';
  if (objective.type === 'expression') return 'objective.variables';
  return objective.model === 'mlp' ? 'objective.hidden' : 'objective.data';
}

/** Throws a 422 `run_too_large` when a worker would hold more than `maxBytes` for the run (inspected with it). */
export function assertWorkerCanHold(spec: RunSpec, inspection: Inspection, maxBytes: number): void {
  const message = inspection.footprint && footprintExcess(inspection.footprint, inspection.dimension, maxBytes);
  if (!message) return;
  const path = responsibleField(spec, inspection.oneReplicaFootprint, maxBytes);
  throw new AppError(422, 'run_too_large', 'The run is larger than a worker can hold', {
    detail: `${path}: ${message}`,
    errors: [{ path, message, code: 'WORKER_MAX_RUN_BYTES' }],
  });
}
