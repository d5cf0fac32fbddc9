/**
 * `{ "path": "file.csv" | "file.json" }` data sources of `descent run` and `descent sweep`, read
 * relative to the spec file's folder. A CSV file streams through the core's CSV reader (header row, target column by
 * `targetColumn`, default the last); a JSON file holds the dense or sparse form a spec takes
 * inline (as `GET /v1/datasets/{id}/data` gives it). Every problem names the file, and for CSV
 * the line and column.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { datasetUploadSchema, type DatasetUpload } from '../contracts/dataset-upload.ts';
import { formatPath, toFieldIssues } from '../contracts/issues.ts';
import {
  CsvDatasetReader,
  CsvError,
  DatasetFieldError,
  materializeDataset,
  resolveDataSources,
  withColumnsOnce,
  type Dataset,
  type DatasetFile,
} from '../core/datasets/index.ts';
import type { ModelObjectiveSpec, ResolvedModelObjectiveSpec } from '../core/objectives/models/index.ts';
import { errorMessage } from '../core/error-message.ts';

/** A data file that cannot be used; `path` is the spec field (e.g. `objective.data.path`). */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** A data file read, with the bytes it held: what `descent submit` hashes is what it uploads, the file read once. */
export interface DataFileContents {
  readonly dataset: Dataset;
  readonly contents: Buffer;
}

/**
 * Reads one data file, `file.path` taken relative to `folder`; `field` is the spec field the
 * problems name. What `descent submit` checks and hashes before it uploads a file, too: with
 * `{ contents: true }`, the file's bytes come with its dataset, for the upload to send what was
 * read (a file that changed since, or a pipe that gives its bytes once, is not read again).
 */
export async function readDataFile(file: DatasetFile, folder: string, field: string): Promise<Dataset>;
export async function readDataFile(file: DatasetFile, folder: string, field: string, keep: { readonly contents: true }): Promise<DataFileContents>;
export async function readDataFile(file: DatasetFile, folder: string, field: string, keep?: { readonly contents: true }): Promise<Dataset | DataFileContents> {
  const location = resolve(folder, file.path);
  const fail = (message: string) => new DataFileError(field, `${file.path}: ${message}`);
  const extension = extname(location).toLowerCase();
  const chunks: Buffer[] | null = keep ? [] : null;
  const read = (dataset: Dataset) => (chunks ? { dataset, contents: Buffer.concat(chunks) } : dataset);
  try {
    if (extension === '.csv') return read(await readCsvFile(location, file, chunks));
    if (extension === '.json') {
      if (file.targetColumn !== undefined || file.difficultyColumn !== undefined) {
        throw fail('targetColumn and difficultyColumn apply to CSV files only');
      }
      return read(await readJsonFile(location, fail, chunks));
    }
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    // Data that does not fit together is named at its place in the file (`rows[1].indices[2]`).
    if (error instanceof DatasetFieldError) throw fail(`${formatPath(error.path)}: ${error.message}`);
    if (error instanceof CsvError) throw fail(error.column > 0 && !error.message.includes('column') ? `${error.message} (line ${error.line}, column ${error.column})` : error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw fail(`cannot read ${location}: ${(error as Error).message}`);
    throw fail(errorMessage(error));
  }
  throw fail(`unsupported file type '${extension || '(none)'}': give a .csv or a .json file`);
}

/** The CSV file's dataset, streamed through the reader; its chunks kept in `chunks` when given. */
async function readCsvFile(location: string, file: DatasetFile, chunks: Buffer[] | null): Promise<Dataset> {
  const reader = new CsvDatasetReader({
    ...(file.targetColumn === undefined ? {} : { targetColumn: file.targetColumn }),
    ...(file.difficultyColumn === undefined ? {} : { difficultyColumn: file.difficultyColumn }),
  });
  for await (const chunk of createReadStream(location)) {
    reader.push(chunk as Buffer);
    chunks?.push(chunk as Buffer);
  }
  return reader.finish();
}

async function readJsonFile(location: string, fail: (message: string) => DataFileError, chunks: Buffer[] | null): Promise<Dataset> {
  const bytes = await readFile(location);
  chunks?.push(bytes);
  let input: unknown;
  try {
    input = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw fail(`not valid JSON: ${error.message}`);
    throw error;
  }
  const parsed = datasetUploadSchema.safeParse(input);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error).map((issue) => `${issue.path || '(file)'}: ${issue.message}`);
    throw fail(`not a dataset (${issues.join('; ')})`);
  }
  return datasetOfUpload(parsed.data);
}

/** The dataset of a JSON upload's form (a `.json` data file, a stored dataset's rows read back). */
export function datasetOfUpload(upload: DatasetUpload): Dataset {
  const { name: _name, targetName, ...source } = upload;
  const dataset = withColumnsOnce(materializeDataset(source));
  return targetName ? { ...dataset, targetName } : dataset;
}

/**
 * The model objective with its `{ path }` sources read from files next to the spec. A stored
 * dataset `{ id }` needs the service: that is a DataFileError too.
 */
export async function resolveDataFiles(spec: ModelObjectiveSpec, folder: string, prefix: readonly string[]): Promise<ResolvedModelObjectiveSpec> {
  return resolveDataSources(spec, async (source) => {
    const field = formatPath([...prefix, source === spec.data ? 'data' : 'validation']);
    if ('id' in source) {
      throw new DataFileError(`${field}.id`, `dataset {"id": "${source.id}"} is stored in the service: only the service can read it (POST /v1/runs). Use {"path": "file.csv"} to run locally.`);
    }
    return readDataFile(source, folder, `${field}.path`);
  });
}

/** How a `{ path }` source is looked up once its file was read: its fields, as JSON. */
export const dataFileKey = (file: DatasetFile): string => JSON.stringify([file.path, file.targetColumn ?? null, file.difficultyColumn ?? null]);

/**
 * The files of a model objective's `{ path }` sources, each read once, by dataFileKey: what
 * `descent sweep` reads before its first trial and hands its threads. Problems as resolveDataFiles.
 */
export async function readDataFiles(spec: ModelObjectiveSpec, folder: string, prefix: readonly string[]): Promise<Map<string, Dataset>> {
  const resolved = await resolveDataFiles(spec, folder, prefix);
  const files = new Map<string, Dataset>();
  for (const field of ['data', 'validation'] as const) {
    const source = spec[field];
    if (source !== undefined && 'path' in source) files.set(dataFileKey(source), resolved[field] as Dataset);
  }
  return files;
}

/** The model objective with its `{ path }` sources taken from files read before (readDataFiles). */
export function withDataFiles(spec: ModelObjectiveSpec, files: ReadonlyMap<string, Dataset>): Promise<ResolvedModelObjectiveSpec> {
  return resolveDataSources(spec, (source) => {
    const dataset = 'path' in source ? files.get(dataFileKey(source)) : undefined;
    if (!dataset) throw new Error(`the data source ${JSON.stringify(source)} was not read before the sweep started`);
    return dataset;
  });
}
