/**
 * A dataset as JSON, outside a spec: the body of `POST /v1/datasets`, the rows `GET
 * /v1/datasets/{id}/data` gives back, and a `.json` data file of `descent run`. It is the dense
 * or sparse form a model objective takes inline, plus an optional name and target name, so a
 * dataset moves between a spec, a file and the service unchanged.
 */
import { z } from 'zod';
import { inlineDenseDatasetSchema, inlineSparseDatasetSchema } from '../core/datasets/index.ts';

const uploadFields = {
  name: z.string().min(1).max(200).optional().describe('A name to recognise the dataset by.'),
  targetName: z.string().min(1).max(200).optional().describe('Name of the target column (default `target`).'),
};

export const datasetUploadSchema = z
  .union([inlineDenseDatasetSchema.extend(uploadFields), inlineSparseDatasetSchema.extend(uploadFields)])
  .meta({ id: 'DatasetUpload' })
  .describe('Dense `{features, targets, columnNames?, difficulty?}` or sparse `{columns, rows: [{indices, values}], targets, …}`, with an optional name and targetName.');

export type DatasetUpload = z.output<typeof datasetUploadSchema>;
