/** What clients send and see of datasets: the JSON upload, the description, pages of rows. */
import { z } from 'zod';
import { datasetUploadSchema } from '../../../contracts/dataset-upload.ts';
import { contentSha256Pattern } from '../../../db/dataset-digest.ts';
import { datasetSchemaSchema, type DatasetDescription } from '../../../db/datasets.ts';
import { pageQueryShape } from '../cursor-page.ts';
import { queryInteger } from '../query-integer.ts';

export const uploadQuerySchema = z.strictObject({
  target: z.string().min(1).max(200).optional().describe('CSV only: name of the target column (default: the last column).'),
  difficulty: z.string().min(1).max(200).optional().describe('CSV only: name of a difficulty column, for curriculum learning.'),
  name: z.string().min(1).max(200).optional().describe('CSV only: a name to recognise the dataset by (JSON uploads put it in the body).'),
});

export type UploadQuery = z.output<typeof uploadQuerySchema>;

export const datasetViewSchema = z
  .object({
    id: z.uuid().describe('The dataset id: a model objective names it as {"id": …}.'),
    name: z.string().nullable().describe('Its name, if it was given one.'),
    format: z.enum(['json', 'csv']).describe('How the dataset was uploaded.'),
    createdAt: z.iso.datetime().describe('When it was uploaded.'),
    rows: z.number().int().describe('Number of rows (examples).'),
    contentHash: z.string().describe('`fnv1a64:<hex>` over the layout, names and values: equal data, equal hash. '
      + 'Tells equal content apart at a glance; not a defence against datasets made to collide (`contentSha256` is).'),
    contentSha256: z.string().nullable().describe('`sha256:<64 hex digits>` over the same content as `contentHash`: the digest '
      + 'that tells a dataset of some content was stored before (`?contentSha256=`). Null for a dataset stored before it was kept.'),
    schema: datasetSchemaSchema.describe('Its columns: features, target and difficulty.'),
  })
  .meta({ id: 'Dataset', description: 'An uploaded dataset, which model objectives name by id.' });

export type DatasetView = z.output<typeof datasetViewSchema>;

export function toDatasetView(description: DatasetDescription): DatasetView {
  return {
    id: description.id,
    name: description.name,
    format: description.format === 'csv' ? 'csv' : 'json',
    createdAt: description.createdAt.toISOString(),
    rows: description.rows,
    contentHash: description.contentHash,
    contentSha256: description.contentSha256,
    schema: description.schema,
  };
}

export const datasetListQuerySchema = z.strictObject({
  ...pageQueryShape,
  contentSha256: z.string()
    .regex(contentSha256Pattern, 'contentSha256 is not a content digest: give `sha256:` and 64 lowercase hex digits, as a dataset\'s `contentSha256` is written.')
    .optional()
    .describe('Only the datasets of this content: their `contentSha256` is this one (`sha256:` and 64 lowercase hex digits; '
      + 'a dataset stored before digests were kept has none, and is never listed). Equal data uploaded again is stored again: '
      + 'this finds the one stored before, without reading every page.'),
});

export type DatasetListQuery = z.output<typeof datasetListQuerySchema>;

export const datasetListSchema = z
  .object({
    datasets: z.array(datasetViewSchema).describe('Datasets, newest first.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'DatasetList', description: 'A page of datasets.' });

/** Rows per page of `GET /v1/datasets/{id}/data`, at most. */
const maxDataPageRows = 100_000;

export const dataQuerySchema = z.strictObject({
  offset: queryInteger('offset', { min: 0 }, 0).describe('First row of the page (0-based).'),
  limit: queryInteger('limit', { min: 1, max: maxDataPageRows }, 1000).describe('Rows in the page, at most.'),
});

export const datasetDataSchema = z
  .object({
    id: z.uuid().describe('The dataset id.'),
    offset: z.number().int().describe('The first row of the page (0-based).'),
    totalRows: z.number().int().describe('Rows in the whole dataset.'),
    nextOffset: z.number().int().nullable().describe('Pass as `offset` for the next page; null on the last page.'),
    data: datasetUploadSchema.describe('The rows of this page, in the upload form (dense or sparse, as stored).'),
  })
  .meta({ id: 'DatasetData', description: "A page of a dataset's rows." });
