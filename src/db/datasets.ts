/**
 * Uploaded datasets: a tenant's data, referenced from model objectives as `{ "id": … }`.
 *
 * A row of `datasets` holds the description clients see (row count, feature count, and in
 * `columns` the schema: layout, column names, target name, classes, content hash) and the bytes
 * its rows take; the rows themselves are in `dataset_blocks`, as the little-endian bytes of their
 * arrays, which keeps every float bit for bit (src/db/dataset-uploads.ts writes them). Listing
 * and describing never read the blocks.
 */
import { z } from 'zod';
import { joinBlocks, repeatedSparseColumn, resolveDataSources, type Dataset, type DatasetBlock, type DatasetShape } from '../core/datasets/index.ts';
import type { ObjectiveSpec, ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import type { Database } from './client.ts';
import type { RunCursor } from './runs.ts';
import type { Pool } from './pool.ts';
import { isUuid } from './uuid.ts';

/** What a stored dataset looks like to clients: everything but the data. */
export interface DatasetDescription {
  readonly id: string;
  readonly name: string | null;
  /** How it was uploaded: `json` or `csv`. */
  readonly format: string;
  readonly rows: number;
  readonly createdAt: Date;
  readonly schema: DatasetSchema;
  readonly contentHash: string;
  /** The sha256 digest of the same content (dataset-digest.ts); null for datasets stored before it was kept. */
  readonly contentSha256: string | null;
}

export const datasetSchemaSchema = z.object({
  layout: z.enum(['dense', 'sparse']).describe('How the features are stored: every cell, or only the non-zero entries.'),
  featureCount: z.number().int().describe('Number of feature columns.'),
  columns: z.array(z.string()).describe('Feature column names, in parameter order (a linear model has one weight per column, in this order).'),
  target: z.string().describe('Name of the target column.'),
  classes: z.array(z.number().int()).nullable()
    .describe('The distinct target values, when every target is a whole number ≥ 0 (a classification set); null otherwise.'),
  difficulty: z.boolean().describe('Whether the rows carry a difficulty (for curriculum learning).'),
  nonZeros: z.number().int().nullable().describe('Stored entries of a sparse dataset; null for dense.'),
});

export type DatasetSchema = z.output<typeof datasetSchemaSchema>;

/** Beyond this many distinct whole-number targets a dataset is not described as a classification set. */
const maxDescribedClasses = 1000;

/** The schema a dataset's content implies, taken block by block as it is stored. */
export class DatasetDescriber {
  private classes: Set<number> | null = new Set();
  private nonZeros = 0;

  constructor(private readonly shape: DatasetShape) {}

  add(block: DatasetBlock): void {
    if (block.features.kind === 'sparse') this.nonZeros += block.features.values.length;
    if (this.classes === null) return;
    for (const target of block.targets) {
      if (!Number.isInteger(target) || target < 0) {
        this.classes = null;
        return;
      }
      this.classes.add(target);
      if (this.classes.size > maxDescribedClasses) {
        this.classes = null;
        return;
      }
    }
  }

  schema(): DatasetSchema {
    const { shape } = this;
    return {
      layout: shape.layout,
      featureCount: shape.columns,
      columns: [...shape.columnNames],
      target: shape.targetName,
      classes: this.classes && [...this.classes].sort((a, b) => a - b),
      difficulty: shape.difficulty,
      nonZeros: shape.layout === 'sparse' ? this.nonZeros : null,
    };
  }
}

const storedSchema = datasetSchemaSchema.extend({ contentHash: z.string(), contentSha256: z.string().optional() });

/** The array a block's bytes hold (a fresh, aligned copy: the driver's buffers may sit at any offset). */
function decode<T extends Float64Array | Int32Array>(bytes: Uint8Array, Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) throw new StoredDatasetError('stored array has a partial element');
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return new Type(buffer);
}

export interface StoredBlock {
  readonly rows: number;
  readonly values: Uint8Array;
  readonly rowStarts: Uint8Array | null;
  readonly indices: Uint8Array | null;
  readonly targets: Uint8Array;
  readonly difficulty: Uint8Array | null;
}

const storedBlockColumns = { rows: true, values: true, rowStarts: true, indices: true, targets: true, difficulty: true } as const;

export function shapeOfDescription({ schema }: DatasetDescription): DatasetShape {
  return { layout: schema.layout, columns: schema.featureCount, columnNames: schema.columns, targetName: schema.target, difficulty: schema.difficulty };
}

export function decodeBlock(stored: StoredBlock, shape: DatasetShape): DatasetBlock {
  const values = decode(stored.values, Float64Array);
  const difficulty = stored.difficulty === null ? {} : { difficulty: decode(stored.difficulty, Float64Array) };
  if (shape.layout === 'dense') return { rows: stored.rows, features: { kind: 'dense', values }, targets: decode(stored.targets, Float64Array), ...difficulty };
  if (stored.rowStarts === null || stored.indices === null) throw new StoredDatasetError('a sparse block lacks its row starts or indices');
  const features = { kind: 'sparse' as const, rowStarts: decode(stored.rowStarts, Int32Array), indices: decode(stored.indices, Int32Array), values };
  return { rows: stored.rows, features, targets: decode(stored.targets, Float64Array), ...difficulty };
}

export interface ResolutionOptions {
  /**
   * The run reading the data has begun (it resumes from a checkpoint, or is a replica of a
   * started run): data stored before a check was added goes on being read as it was.
   */
  readonly runBegun?: boolean;
}

/** A stored row that no longer reads back (written by an incompatible version). */
export class StoredDatasetError extends Error {
  override readonly name = 'StoredDatasetError';
}

/** A `{ "id": … }` data reference to a dataset the tenant does not have. */
export class DatasetNotFoundError extends Error {
  override readonly name = 'DatasetNotFoundError';
  /** Where the reference sits in the objective spec, e.g. `data.id`, `validation.id`. */
  constructor(readonly datasetId: string, readonly path: string) {
    super(`There is no dataset ${datasetId}.`);
  }
}

/** A data source the service cannot read (a file path, which only the local CLI reads). */
export class UnreadableDataSourceError extends Error {
  override readonly name = 'UnreadableDataSourceError';
  constructor(readonly path: string) {
    super('Data files are read by the local CLI only; upload the file (POST /v1/datasets) and reference it as {"id": …}.');
  }
}


/** A data reference that no retry can fix (as opposed to the database being unreachable). */
export function isPermanentDatasetError(error: unknown): boolean {
  return error instanceof DatasetNotFoundError || error instanceof UnreadableDataSourceError || error instanceof StoredDatasetError;
}

const descriptionColumns = { id: true, name: true, format: true, rowCount: true, columns: true, createdAt: true } as const;

export interface DescriptionRow {
  readonly id: string;
  readonly name: string | null;
  readonly format: string;
  readonly rowCount: number;
  readonly columns: unknown;
  readonly createdAt: Date;
}

export function toDescription(row: DescriptionRow): DatasetDescription {
  const parsed = storedSchema.safeParse(row.columns);
  if (!parsed.success) throw new StoredDatasetError(`dataset ${row.id} has an unreadable schema: ${parsed.error.message}`);
  const { contentHash, contentSha256 = null, ...schema } = parsed.data;
  return { id: row.id, name: row.name, format: row.format, rows: row.rowCount, createdAt: row.createdAt, schema, contentHash, contentSha256 };
}

export interface DatasetListQuery {
  readonly limit: number;
  readonly after?: RunCursor;
  /** Only the datasets whose sha256 content digest this is. */
  readonly contentSha256?: string;
}

/**
 * The page's statement: a content digest is looked up in the index on (tenant_id, columns ->>
 * 'contentSha256') (migration 20261213130000), the others in the one on (tenant_id, created_at).
 */
export function datasetListStatement(tenantId: string, query: DatasetListQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId, query.limit];
  const parameter = (value: unknown, type: string) => `$${values.push(value)}::${type}`;
  const conditions = ['tenant_id = $1::uuid'];
  // The index is partial (datasets stored before digests were kept have none): the query says so to use it.
  if (query.contentSha256 !== undefined) conditions.push(`columns ? 'contentSha256'`, `columns ->> 'contentSha256' = ${parameter(query.contentSha256, 'text')}`);
  if (query.after !== undefined) {
    conditions.push(`(created_at, id) < (${parameter(query.after.createdAt, 'timestamptz')}, ${parameter(query.after.id, 'uuid')})`);
  }
  return {
    text: `SELECT id, name, format, row_count AS "rowCount", columns, created_at AS "createdAt" FROM datasets
            WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $2::int`,
    values,
  };
}

const blocksStatement = `
  SELECT rows, "values", row_starts AS "rowStarts", indices, targets, difficulty
    FROM dataset_blocks WHERE dataset_id = $1::uuid AND seq BETWEEN $2 AND $3 ORDER BY seq`;

/**
 * Blocks `fromSeq … toSeq` of a dataset, in order, read on node-postgres: its bytea arrives as a
 * Buffer, where Prisma's driver adapter makes every stored byte an element of a JavaScript array
 * on the event loop (a 29 MB dataset: about 2 s of it, in stalls of up to a few hundred ms).
 */
export async function readStoredBlocks(pool: Pool, id: string, fromSeq: number, toSeq: number): Promise<StoredBlock[]> {
  const { rows } = await pool.query<StoredBlock>(blocksStatement, [id, fromSeq, toSeq]);
  return rows;
}

/** `pool`, when given, reads the datasets' blocks (see readStoredBlocks): the API's, whose event loop serves every client. */
export function createDatasetRepository(database: Database, pool?: Pool) {
  async function describe(tenantId: string, id: string): Promise<DatasetDescription | null> {
    if (!isUuid(id)) return null;
    const row = await database.dataset.findFirst({ where: { id, tenantId }, select: descriptionColumns });
    return row && toDescription(row);
  }

  async function loadDataset(tenantId: string, id: string): Promise<Dataset | null> {
    if (!isUuid(id)) return null;
    let description: DatasetDescription | null;
    let blocks: StoredBlock[];
    if (pool) {
      description = await describe(tenantId, id);
      if (!description) return null;
      blocks = await readStoredBlocks(pool, id, 0, 2_147_483_647);
    } else {
      const row = await database.dataset.findFirst({
        where: { id, tenantId },
        select: { ...descriptionColumns, blocks: { orderBy: { seq: 'asc' }, select: storedBlockColumns } },
      });
      if (!row) return null;
      description = toDescription(row);
      blocks = row.blocks;
    }
    const shape = shapeOfDescription(description);
    const dataset = joinBlocks(shape, blocks.map((block) => decodeBlock(block, shape)));
    if (dataset.rows !== description.rows) {
      if (pool && !(await describe(tenantId, id))) return null; // deleted between the two reads
      throw new StoredDatasetError(`dataset ${id} has ${dataset.rows} rows in its blocks, ${description.rows} described`);
    }
    return dataset;
  }

  return {
    /** The description if the dataset belongs to the tenant; another tenant's is as absent as a missing one. */
    describe,

    /** The tenant's dataset, read back into memory exactly as uploaded; null when absent. */
    loadDataset,

    /** Newest first; keyset pagination on (createdAt, id); with `contentSha256`, only the datasets of that content. */
    async list(tenantId: string, query: DatasetListQuery): Promise<DatasetDescription[]> {
      const { text, values } = datasetListStatement(tenantId, query);
      const rows = await database.$queryRawUnsafe<DescriptionRow[]>(text, ...values);
      return rows.map(toDescription);
    },

    /**
     * The objective with its `{ "id": … }` data references (`data`, `validation`) replaced by the
     * tenant's stored datasets, ready for `createObjective`. Throws DatasetNotFoundError naming
     * the field (`data.id`) for an id the tenant does not have, and UnreadableDataSourceError for
     * a `{ "path": … }` (the service reads no files). Other objectives come back unchanged.
     */
    async resolveDatasetReferences(spec: ObjectiveSpec, tenantId: string, { runBegun = false }: ResolutionOptions = {}): Promise<ResolvedObjectiveSpec> {
      if (spec.type !== 'model') return spec;
      return resolveDataSources(spec, async (source) => {
        const field = source === spec.data ? 'data' : 'validation';
        if ('path' in source) throw new UnreadableDataSourceError(`${field}.path`);
        const dataset = await loadDataset(tenantId, source.id);
        if (!dataset) throw new DatasetNotFoundError(source.id, `${field}.id`);
        const repeated = runBegun ? null : repeatedSparseColumn(dataset);
        if (repeated) {
          throw new StoredDatasetError(`Dataset ${source.id} was stored before a sparse row could name a column twice, and does (${repeated}); upload it again with one value per column.`);
        }
        return dataset;
      });
    },
  };
}

export type DatasetRepository = ReturnType<typeof createDatasetRepository>;
export type { ResolvedObjectiveSpec };
