/** Uploading, describing, listing and paging datasets for one tenant. */
import { type Dataset, type DatasetShape } from '../../../core/datasets/index.ts';
import type { DatasetDescription, DatasetRepository } from '../../../db/datasets.ts';
import type { DatasetPages } from '../../../db/dataset-pages.ts';
import { DatasetBytesQuotaError, type OpenUpload, type DatasetUploads } from '../../../db/dataset-uploads.ts';
import { quotaExceeded } from '../../errors/quota-exceeded.ts';
import type { ResourceDeletion } from '../../../db/resource-deletion.ts';
import { AppError, noSuch } from '../../errors/app-error.ts';
import { cursorPage } from '../cursor-page.ts';
import { assertDeleted } from '../deletion-answer.ts';
import { streamCsvUpload, tooLarge, type CsvBody, type DatasetUploadLimits, type JsonUploadBody } from './csv-upload.ts';
import type { DatasetListQuery, UploadQuery } from './dataset-view.ts';
import type { ObjectiveThread } from '../../objective-thread/objective-thread.ts';

export interface DatasetServiceDependencies {
  readonly datasets: DatasetRepository;
  /** Reads pages of rows. */
  readonly pages: DatasetPages;
  /** Writes uploads as they are read. */
  readonly uploads: DatasetUploads;
  readonly limits: DatasetUploadLimits;
  /** A tenant's stored dataset bytes, at most (TENANT_MAX_DATASET_BYTES). */
  readonly maxTenantBytes: number;
  readonly deletion: ResourceDeletion;
  /** Parses and validates JSON uploads, and writes large pages, off the event loop. */
  readonly thread: Pick<ObjectiveThread, 'parseDatasetUpload' | 'datasetPage'>;
}

const csvOnly = (field: string) =>
  new AppError(400, 'validation_failed', 'The request is invalid', {
    detail: `The query string is invalid: ${field}.`,
    errors: [{ path: field, message: `${field} applies to CSV uploads only; JSON uploads name the target with targetName.`, code: 'csv_only' }],
  });

/** The quota problem of an upload beyond the tenant's dataset bytes; other errors as they are. */
function quotaProblem(error: unknown): unknown {
  if (!(error instanceof DatasetBytesQuotaError)) return error;
  return quotaExceeded('TENANT_MAX_DATASET_BYTES', { limit: error.limit, used: error.used, requested: error.requested });
}

export function createDatasetService({ datasets, pages, uploads, limits, maxTenantBytes, deletion, thread }: DatasetServiceDependencies) {
  /** Service limits beyond what the schema and the core already enforce. */
  function checkLimits(dataset: Dataset): void {
    if (dataset.rows > limits.maxRows) throw tooLarge(`The dataset has ${dataset.rows} rows; at most ${limits.maxRows} are accepted.`);
    if (dataset.columns > limits.maxColumns) {
      throw tooLarge(`The dataset has ${dataset.columns} feature columns; at most ${limits.maxColumns} are accepted.`);
    }
  }

  async function find(tenantId: string, id: string): Promise<DatasetDescription> {
    const description = await datasets.describe(tenantId, id);
    if (!description) throw noSuch('dataset', id);
    return description;
  }

  return {
    /** Parses, validates and builds the upload in the objective thread, then stores it. */
    async createFromJson(tenantId: string, body: JsonUploadBody, query: UploadQuery): Promise<DatasetDescription> {
      for (const field of ['target', 'difficulty', 'name'] as const) if (query[field] !== undefined) throw csvOnly(field);
      const { name, targetName, dataset } = await thread.parseDatasetUpload(tenantId, body.bytes);
      checkLimits(dataset);
      return uploads.store({ tenantId, ...(name === undefined ? {} : { name }), format: 'json', maxTenantBytes }, targetName ? { ...dataset, targetName } : dataset)
        .catch((error: unknown) => {
          throw quotaProblem(error);
        });
    },

    /** Streams the CSV body into the database block by block; a refused or broken upload leaves nothing stored. */
    async createFromCsv(tenantId: string, body: CsvBody, query: UploadQuery): Promise<DatasetDescription> {
      let upload: OpenUpload | undefined;
      const begin = (shape: DatasetShape) => uploads.begin({ tenantId, ...(query.name === undefined ? {} : { name: query.name }), format: 'csv', shape, maxTenantBytes });
      try {
        const shape = await streamCsvUpload(body, query, limits, {
          async write(blockShape, block) {
            upload ??= await begin(blockShape);
            await upload.write(block);
          },
        });
        upload ??= await begin(shape);
        return await upload.commit();
      } catch (error) {
        await upload?.abort();
        throw quotaProblem(error);
      }
    },

    get: find,

    /** Deletes a dataset; 409 while a run (finished or not), a sweep that has not ended or a stored objective names it (a run also through its stored objective). */
    async delete(tenantId: string, id: string): Promise<void> {
      assertDeleted(await deletion.deleteDataset(tenantId, id), 'dataset', id);
    },

    /** A page of the tenant's datasets, newest first; with `contentSha256`, of those of that content. */
    list: (tenantId: string, { contentSha256, ...query }: DatasetListQuery) =>
      cursorPage((page) => datasets.list(tenantId, contentSha256 === undefined ? page : { ...page, contentSha256 }), query),

    /** Rows `offset … offset + limit − 1` in the upload form: the JSON body of the page (see dataset-page.ts). */
    async data(tenantId: string, id: string, query: { offset: number; limit: number }): Promise<Uint8Array> {
      const read = await pages.read(tenantId, id, query.offset, query.limit);
      if (!read) throw noSuch('dataset', id);
      const { totalRows, page } = read;
      if (!page) {
        const message = `offset must be below the row count ${totalRows}`;
        throw new AppError(400, 'validation_failed', 'The request is invalid', {
          detail: `The query string is invalid: offset.`,
          errors: [{ path: 'offset', message, code: 'too_big' }],
        });
      }
      const end = query.offset + page.rows;
      return thread.datasetPage(tenantId, { id, offset: query.offset, totalRows, nextOffset: end < totalRows ? end : null, page });
    },
  };
}

export type DatasetService = ReturnType<typeof createDatasetService>;
