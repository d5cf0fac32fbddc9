/**
 * The body of `GET /v1/datasets/{id}/data`: a page of rows in the upload form, as JSON. Building
 * it is the page's rows one by one (an array per row, every number printed), which for a page of
 * 100,000 rows took ~0.3 s on 8 features and grows with the columns; so a large page is built in
 * the objective thread, a small one on the event loop (fewer stored numbers than a thread's round
 * trip costs, and no wait behind a request the thread is busy with). The bytes are those the
 * route's response schema would give: the view encoded by it, then JSON.stringify.
 */
import { z } from 'zod';
import type { DatasetUpload } from '../../contracts/dataset-upload.ts';
import type { Dataset } from '../../core/datasets/index.ts';
import { datasetDataSchema } from '../routes/datasets/dataset-view.ts';

export interface DatasetPageRequest {
  readonly id: string;
  readonly offset: number;
  readonly totalRows: number;
  readonly nextOffset: number | null;
  readonly page: Dataset;
}

/** Stored numbers of a page built on the event loop, at most. */
const smallPageValues = 16_384;

export function isSmallPage({ page }: DatasetPageRequest): boolean {
  return page.features.values.length + page.targets.length <= smallPageValues;
}

/** The page's JSON body, UTF-8. */
export function datasetPageJson({ id, offset, totalRows, nextOffset, page }: DatasetPageRequest): Uint8Array {
  const view = z.encode(datasetDataSchema, { id, offset, totalRows, nextOffset, data: toUploadForm(page) });
  return new TextEncoder().encode(JSON.stringify(view));
}

/** A dataset in the JSON upload form (dense or sparse, as stored). */
function toUploadForm(dataset: Dataset): DatasetUpload {
  const { features, columns } = dataset;
  const common = {
    targets: Array.from(dataset.targets),
    columnNames: [...dataset.columnNames],
    targetName: dataset.targetName,
    ...(dataset.difficulty ? { difficulty: Array.from(dataset.difficulty) } : {}),
  };
  if (features.kind === 'dense') {
    return { features: Array.from({ length: dataset.rows }, (_, r) => Array.from(features.values.subarray(r * columns, (r + 1) * columns))), ...common };
  }
  const rows = Array.from({ length: dataset.rows }, (_, r) => {
    const from = features.rowStarts[r];
    const to = features.rowStarts[r + 1];
    return { indices: Array.from(features.indices.subarray(from, to)), values: Array.from(features.values.subarray(from, to)) };
  });
  return { columns, rows, ...common };
}
