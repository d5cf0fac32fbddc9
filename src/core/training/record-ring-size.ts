/**
 * The size of the rings through which the threads of a concurrent hogwild run hand their
 * recorded steps to its coordinator (src/hogwild/record-ring.ts), here so that a run's memory
 * footprint counts them as the run allocates them.
 */
import { recordParams } from './record-settings.ts';
import type { RunConfig } from './run-config.ts';

/** Bytes the rings of one run hold at most over all its threads, unless their fewest slots (minimumSlots) are already more. */
const ringBytes = 8 * 1024 * 1024;

/** Float64 fields of a slot before θ: step, loss, gradient norm, η, the step's norm. */
export const slotFields = 5;

/**
 * The fewest slots a ring has: one for a lone thread, which publishes in step order; two when
 * threads publish out of step order, so that a thread whose record waits for another thread's
 * lower step can still publish its next one before it waits for the coordinator (a thread whose
 * ring is full waits for the coordinator to take from it).
 */
const minimumSlots = (threads: number) => (threads > 1 ? 2 : 1);

/**
 * Slots per ring for `threads` threads of a run of `totalTicks` ticks recording every `every`,
 * each slot `slotLength` float64 entries: room for every step the run records (one thread may
 * make them all: no thread then ever waits for the coordinator), within `ringBytes` for all of
 * them, and at least minimumSlots whatever their size; `bytes` is what they take.
 */
export function recordRingSize(threads: number, totalTicks: number, every: number, slotLength: number): { capacity: number; bytes: number } {
  const slotBytes = slotLength * Float64Array.BYTES_PER_ELEMENT;
  const recorded = Math.floor(totalTicks / every) + 1;
  const capacity = Math.max(Math.min(minimumSlots(threads), recorded), Math.min(recorded, Math.floor(ringBytes / (threads * slotBytes))));
  return { capacity, bytes: threads * capacity * slotBytes };
}

/**
 * Whether a slot carries θ after its step besides its measures: when the run records parameters,
 * validates (`validating`: it has validation rows) or restores the best parameters. A step is
 * validated and remembered at its own parameters, never at later ones labelled with its step.
 */
export function slotsCarryParams(config: Pick<RunConfig, 'record' | 'earlyStopping'>, dimension: number, validating: boolean): boolean {
  return recordParams(config.record, dimension) || validating || config.earlyStopping?.restoreBest === true;
}

/**
 * Whether a slot also carries θ as its thread read it before its step, where it measured the loss:
 * when the run restores the best parameters by the training loss, the best being the parameters a
 * loss was measured at (as a simulated or single run keeps them), not those after the step.
 */
export function slotsCarryMeasuredAt(config: Pick<RunConfig, 'earlyStopping'>, validating: boolean): boolean {
  const early = config.earlyStopping;
  return early?.restoreBest === true && !(early.monitor === 'valLoss' && validating);
}

/** Float64 entries of a slot of a run of `dimension` parameters: the fields, θ after the step when carried, θ before it when carried. */
export function slotLength(config: Pick<RunConfig, 'record' | 'earlyStopping'>, dimension: number, validating: boolean): number {
  return slotFields + (slotsCarryParams(config, dimension, validating) ? dimension : 0) + (slotsCarryMeasuredAt(config, validating) ? dimension : 0);
}
