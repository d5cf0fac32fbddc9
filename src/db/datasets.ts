/**
 * Uploaded datasets: a tenant's data, referenced from model objectives as `{ "id": … }`.
 *
 * A row holds the description clients see (row count, feature count, and in `columns` the
 * schema: layout, column names, target name, classes, content hash) and, in `data`, the arrays
 * themselves as base64 of their little-endian bytes. That keeps every float bit for bit (a
 * number printed in decimal JSON need not read back identical in every runtime) and takes about
 * 11 bytes a value instead of up to 24. Listing and describing never read `data`.
 */
import { z } from 'zod';
import { datasetContentHash, resolveDataSources, type Dataset, type Features } from '../core/datasets/index.ts';
import type { ObjectiveSpec, ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import type { Database } from './client.ts';
import { newestFirst, newestFirstAfter } from './keyset.ts';
import type { JsonValue, RunCursor } from './runs.ts';
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

/** The schema a dataset's content implies. */
function describeDatasetSchema(dataset: Dataset): DatasetSchema {
  return {
    layout: dataset.features.kind,
    featureCount: dataset.columns,
    columns: [...dataset.columnNames],
    target: dataset.targetName,
    classes: targetClasses(dataset.targets),
    difficulty: dataset.difficulty !== undefined,
    nonZeros: dataset.features.kind === 'sparse' ? dataset.features.values.length : null,
  };
}

function targetClasses(targets: Float64Array): number[] | null {
  const classes = new Set<number>();
  for (const target of targets) {
    if (!Number.isInteger(target) || target < 0) return null;
    classes.add(target);
    if (classes.size > maxDescribedClasses) return null;
  }
  return [...classes].sort((a, b) => a - b);
}

const storedSchema = datasetSchemaSchema.extend({ contentHash: z.string() });

const base64 = z.string();
const storedDataSchema = z.discriminatedUnion('layout', [
  z.object({ layout: z.literal('dense'), values: base64, targets: base64, difficulty: base64.optional() }),
  z.object({
    layout: z.literal('sparse'),
    rowStarts: base64,
    indices: base64,
    values: base64,
    targets: base64,
    difficulty: base64.optional(),
  }),
]);

type StoredData = z.output<typeof storedDataSchema>;

// Typed arrays use the platform's byte order; every platform Node supports is little-endian.
const encode = (array: Float64Array | Int32Array): string =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

function decode<T extends Float64Array | Int32Array>(text: string, Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) throw new StoredDatasetError('stored array has a partial element');
  // A fresh, aligned buffer: Buffer.from may hand out a slice of a shared pool at any offset.
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return new Type(buffer);
}

function encodeData(dataset: Dataset): StoredData {
  const { features } = dataset;
  const difficulty = dataset.difficulty ? { difficulty: encode(dataset.difficulty) } : {};
  if (features.kind === 'dense') return { layout: 'dense', values: encode(features.values), targets: encode(dataset.targets), ...difficulty };
  return {
    layout: 'sparse',
    rowStarts: encode(features.rowStarts),
    indices: encode(features.indices),
    values: encode(features.values),
    targets: encode(dataset.targets),
    ...difficulty,
  };
}

function decodeData(stored: StoredData, rows: number, schema: DatasetSchema): Dataset {
  const features: Features = stored.layout === 'dense'
    ? { kind: 'dense', values: decode(stored.values, Float64Array) }
    : {
        kind: 'sparse',
        rowStarts: decode(stored.rowStarts, Int32Array),
        indices: decode(stored.indices, Int32Array),
        values: decode(stored.values, Float64Array),
      };
  return {
    rows,
    columns: schema.featureCount,
    features,
    targets: decode(stored.targets, Float64Array),
    columnNames: schema.columns,
    targetName: schema.target,
    ...(stored.difficulty === undefined ? {} : { difficulty: decode(stored.difficulty, Float64Array) }),
  };
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

export interface NewDataset {
  readonly tenantId: string;
  readonly name?: string;
  readonly format: 'json' | 'csv';
  readonly dataset: Dataset;
}

const descriptionColumns = { id: true, name: true, format: true, rowCount: true, columns: true, createdAt: true } as const;

interface DescriptionRow {
  readonly id: string;
  readonly name: string | null;
  readonly format: string;
  readonly rowCount: number;
  readonly columns: unknown;
  readonly createdAt: Date;
}

function toDescription(row: DescriptionRow): DatasetDescription {
  const parsed = storedSchema.safeParse(row.columns);
  if (!parsed.success) throw new StoredDatasetError(`dataset ${row.id} has an unreadable schema: ${parsed.error.message}`);
  const { contentHash, ...schema } = parsed.data;
  return { id: row.id, name: row.name, format: row.format, rows: row.rowCount, createdAt: row.createdAt, schema, contentHash };
}

export function createDatasetRepository(database: Database) {
  async function loadDataset(tenantId: string, id: string): Promise<Dataset | null> {
    if (!isUuid(id)) return null;
    const row = await database.dataset.findFirst({ where: { id, tenantId }, select: { ...descriptionColumns, data: true } });
    if (!row) return null;
    const description = toDescription(row);
    const stored = storedDataSchema.safeParse(row.data);
    if (!stored.success) throw new StoredDatasetError(`dataset ${id} has unreadable data: ${stored.error.message}`);
    return decodeData(stored.data, description.rows, description.schema);
  }

  return {
    /** Stores a dataset (already checked against the limits) with its schema and content hash. */
    async create(upload: NewDataset): Promise<DatasetDescription> {
      const { dataset } = upload;
      const schema = describeDatasetSchema(dataset);
      const row = await database.dataset.create({
        data: {
          tenantId: upload.tenantId,
          name: upload.name ?? null,
          format: upload.format,
          rowCount: dataset.rows,
          featureCount: dataset.columns,
          columns: { ...schema, contentHash: datasetContentHash(dataset) } as JsonValue,
          data: encodeData(dataset) as JsonValue,
        },
        select: descriptionColumns,
      });
      return toDescription(row);
    },

    /** The description if the dataset belongs to the tenant; another tenant's is as absent as a missing one. */
    async describe(tenantId: string, id: string): Promise<DatasetDescription | null> {
      if (!isUuid(id)) return null;
      const row = await database.dataset.findFirst({ where: { id, tenantId }, select: descriptionColumns });
      return row && toDescription(row);
    },

    /** The tenant's dataset, read back into memory exactly as uploaded; null when absent. */
    loadDataset,

    /** Newest first; keyset pagination on (createdAt, id). */
    async list(tenantId: string, query: { after?: RunCursor; limit: number }): Promise<DatasetDescription[]> {
      const rows = await database.dataset.findMany({
        where: { tenantId, ...newestFirstAfter(query.after) },
        orderBy: newestFirst,
        take: query.limit,
        select: descriptionColumns,
      });
      return rows.map(toDescription);
    },

    /**
     * The objective with its `{ "id": … }` data references (`data`, `validation`) replaced by the
     * tenant's stored datasets, ready for `createObjective`. Throws DatasetNotFoundError naming
     * the field (`data.id`) for an id the tenant does not have, and UnreadableDataSourceError for
     * a `{ "path": … }` (the service reads no files). Other objectives come back unchanged.
     */
    async resolveDatasetReferences(spec: ObjectiveSpec, tenantId: string): Promise<ResolvedObjectiveSpec> {
      if (spec.type !== 'model') return spec;
      return resolveDataSources(spec, async (source) => {
        const field = source === spec.data ? 'data' : 'validation';
        if ('path' in source) throw new UnreadableDataSourceError(`${field}.path`);
        const dataset = await loadDataset(tenantId, source.id);
        if (!dataset) throw new DatasetNotFoundError(source.id, `${field}.id`);
        return dataset;
      });
    },
  };
}

export type DatasetRepository = ReturnType<typeof createDatasetRepository>;
export type { ResolvedObjectiveSpec };
