/**
 * Writing a dataset as it is read: each block of rows goes to `dataset_blocks` as soon as it is
 * parsed, inside one transaction on a connection of its own, so the service holds one block at
 * a time, never the file or the dataset. The transaction commits only once the whole upload was
 * read and checked: a refused, broken or interrupted upload (a dropped client, a crash) leaves
 * nothing behind.
 *
 * The tenant's dataset bytes (TENANT_MAX_DATASET_BYTES) are checked as blocks are written,
 * against what its datasets stored when the upload began, so an upload beyond the quota is
 * refused mid-stream; and again at the commit, under a lock per tenant, against what they store
 * then, so two uploads at once cannot pass the quota between them.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { datasetBlocks, DatasetHasher, shapeOf, type Dataset, type DatasetBlock, type DatasetShape } from '../core/datasets/index.ts';
import { ContentSha256 } from './dataset-digest.ts';
import { DatasetDescriber, toDescription, type DatasetDescription } from './datasets.ts';
import type { Pool } from './pool.ts';

/** An upload would take the tenant's stored dataset bytes past its quota. */
export class DatasetBytesQuotaError extends Error {
  override readonly name = 'DatasetBytesQuotaError';
  constructor(readonly limit: number, readonly used: number, readonly requested: number) {
    super(`the tenant's datasets would store ${used + requested} bytes, beyond its quota of ${limit}`);
  }
}

export interface DatasetUploadStart {
  readonly tenantId: string;
  readonly name?: string;
  readonly format: 'json' | 'csv';
  readonly shape: DatasetShape;
  /** The tenant's dataset bytes, at most. */
  readonly maxTenantBytes: number;
}

/** Stored values per block of an in-memory dataset: about a megabyte. */
const valuesPerBlock = 131_072;

/** Namespace of the per-tenant advisory lock of the commit's quota check (arbitrary, distinct from the others). */
const quotaLockNamespace = 72_707_371;

const bytesOf = (array: Float64Array | Int32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

const storedBytesStatement = 'SELECT coalesce(sum(byte_size), 0)::float8 AS bytes FROM datasets WHERE tenant_id = $1::uuid AND id <> $2::uuid';

/** One upload in progress: `write` its blocks in order, then `commit`; `abort` on any failure. */
export class OpenUpload {
  private seq = 0;
  private rows = 0;
  private bytes = 0;
  private readonly hasher: DatasetHasher;
  private readonly sha256 = new ContentSha256();
  private readonly describer: DatasetDescriber;
  private released = false;

  constructor(
    private readonly client: PoolClient,
    private readonly id: string,
    private readonly start: DatasetUploadStart,
    /** What the tenant's other datasets stored when the upload began. */
    private readonly storedBefore: number,
  ) {
    this.hasher = new DatasetHasher(start.shape, this.sha256);
    this.describer = new DatasetDescriber(start.shape);
  }

  /** Stores the next block; throws DatasetBytesQuotaError once the upload takes the tenant past its quota. */
  async write(block: DatasetBlock): Promise<void> {
    const { features } = block;
    const arrays = features.kind === 'dense'
      ? [features.values, null, null]
      : [features.values, features.rowStarts, features.indices];
    const stored = [...arrays, block.targets, block.difficulty ?? null].map((array) => (array === null ? null : bytesOf(array)));
    const bytes = stored.reduce((sum, buffer) => sum + (buffer?.length ?? 0), 0);
    if (this.storedBefore + this.bytes + bytes > this.start.maxTenantBytes) {
      throw new DatasetBytesQuotaError(this.start.maxTenantBytes, this.storedBefore, this.bytes + bytes);
    }
    await this.client.query(
      'INSERT INTO dataset_blocks (dataset_id, seq, rows, "values", row_starts, indices, targets, difficulty) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [this.id, this.seq, block.rows, ...stored],
    );
    this.seq++;
    this.rows += block.rows;
    this.bytes += bytes;
    this.hasher.add(block);
    this.describer.add(block);
  }

  /** Describes the dataset and commits it, once the quota holds with every upload committed meanwhile. */
  async commit(): Promise<DatasetDescription> {
    const { tenantId, shape, maxTenantBytes } = this.start;
    await this.client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [quotaLockNamespace, tenantId]);
    const { rows: [used] } = await this.client.query<{ bytes: number }>(storedBytesStatement, [tenantId, this.id]);
    if (used!.bytes + this.bytes > maxTenantBytes) throw new DatasetBytesQuotaError(maxTenantBytes, used!.bytes, this.bytes);
    const columns = { ...this.describer.schema(), contentHash: this.hasher.digest(), contentSha256: this.sha256.digest() };
    const { rows: [row] } = await this.client.query(
      `UPDATE datasets SET row_count = $2, feature_count = $3, columns = $4::jsonb, byte_size = $5
        WHERE id = $1::uuid
        RETURNING id, name, format, row_count AS "rowCount", columns, created_at AS "createdAt"`,
      [this.id, this.rows, shape.columns, JSON.stringify(columns), this.bytes],
    );
    await this.client.query('COMMIT');
    this.released = true;
    this.client.release();
    return toDescription(row);
  }

  /** Rolls the upload back: nothing of it stays (after a commit, nothing to do). */
  async abort(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const broken = await this.client.query('ROLLBACK').then(() => false, () => true);
    this.client.release(broken);
  }
}

/** `pool` serves uploads only: each holds a connection for as long as its body takes to arrive. */
export function createDatasetUploads(pool: Pool) {
  async function begin(start: DatasetUploadStart): Promise<OpenUpload> {
    const client = await pool.connect();
    const id = randomUUID();
    try {
      await client.query('BEGIN');
      const { rows: [used] } = await client.query<{ bytes: number }>(storedBytesStatement, [start.tenantId, id]);
      await client.query(
        'INSERT INTO datasets (id, tenant_id, name, format, row_count, feature_count) VALUES ($1, $2, $3, $4, 0, $5)',
        [id, start.tenantId, start.name ?? null, start.format, start.shape.columns],
      );
      return new OpenUpload(client, id, start, used!.bytes);
    } catch (error) {
      const broken = await client.query('ROLLBACK').then(() => false, () => true);
      client.release(broken);
      throw error;
    }
  }

  return {
    begin,

    /** Stores a dataset held in memory (a JSON upload), in blocks like a streamed one. */
    async store(start: Omit<DatasetUploadStart, 'shape'>, dataset: Dataset): Promise<DatasetDescription> {
      const upload = await begin({ ...start, shape: shapeOf(dataset) });
      try {
        for (const block of datasetBlocks(dataset, valuesPerBlock)) await upload.write(block);
        return await upload.commit();
      } catch (error) {
        await upload.abort();
        throw error;
      }
    },
  };
}

export type DatasetUploads = ReturnType<typeof createDatasetUploads>;
