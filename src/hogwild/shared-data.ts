/**
 * A dataset whose arrays live in SharedArrayBuffers: posted to worker threads it is shared, not
 * copied, so p threads train on one copy of the data.
 */
import type { Dataset, Features } from '../core/datasets/dataset.ts';

function share<Array extends Float64Array | Int32Array>(array: Array): Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Constructor = array.constructor as { new (buffer: SharedArrayBuffer): Array };
  const shared = new Constructor(new SharedArrayBuffer(array.byteLength));
  shared.set(array as never);
  return shared;
}

function shareFeatures(features: Features): Features {
  return features.kind === 'dense'
    ? { kind: 'dense', values: share(features.values) }
    : { kind: 'sparse', rowStarts: share(features.rowStarts), indices: share(features.indices), values: share(features.values) };
}

export function toSharedDataset(dataset: Dataset): Dataset {
  return {
    ...dataset,
    features: shareFeatures(dataset.features),
    targets: share(dataset.targets),
    ...(dataset.difficulty ? { difficulty: share(dataset.difficulty) } : {}),
  };
}
