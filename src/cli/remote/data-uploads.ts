/**
 * The `{ "path": "file.csv" | "file.json" }` data sources of a spec sent to a running Descent (a
 * run's, a sweep's base): the service cannot read the client's files, so each one becomes a
 * stored dataset's `{ "id": … }`. The files are read and checked as `descent run` reads them
 * (data-files.ts), each once: what is digested is what is uploaded. One whose content the tenant
 * stored before (Descent is asked for its sha256 `contentSha256`, over the dataset the bytes read
 * hold, as Descent digests what it stores: the service stores each upload anew) names that dataset
 * and is not uploaded again, so a submission repeated (with its --idempotency-key, or after the
 * service refused the spec) names the same one. The 64-bit `contentHash` is not trusted for
 * this: two files of one FNV hash can be made on purpose. A Descent older than the digest is
 * paged as before, and a dataset of the file's `contentHash` there is read back to be digested.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { ProblemError, type DatasetUpload, type DescentClient } from '../../client/index.ts';
import { largestDatasetMaxBytes } from '../../config/config.ts';
import { datasetContentHash, type Dataset, type DatasetFile } from '../../core/datasets/index.ts';
import { datasetContentSha256 } from '../../db/dataset-digest.ts';
import { DataFileError, dataFileKey, datasetOfUpload, readDataFile, type DataFileContents } from '../data-files.ts';
import { UsageError } from './remote-command.ts';

const sourceFields = ['data', 'validation'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The 400 of a Descent older than `?contentSha256=`: its strict query names the parameter as unknown. */
function unknownToDescent(error: unknown, parameter: string): boolean {
  return error instanceof ProblemError && error.status === 400 && error.problem.code === 'validation_failed'
    && (error.problem.errors ?? []).some((issue) => issue.path === parameter && issue.code === 'unrecognized_keys');
}

/**
 * The tenant's dataset of this content (the newest of equal ones), if it stored one: asked of
 * Descent by its sha256 digest. A Descent older than that filter (and than the digest) is read as
 * before, every page of the tenant's datasets; one there of the file's `contentHash` is taken only
 * once its rows, read back, have the file's digest: a hash of 64 bits can be matched on purpose.
 */
async function storedWith(client: DescentClient, dataset: Dataset): Promise<string | undefined> {
  const contentSha256 = datasetContentSha256(dataset);
  try {
    for await (const stored of client.datasets({ contentSha256 })) return stored.id;
    return undefined;
  } catch (error) {
    if (!unknownToDescent(error, 'contentSha256')) throw error;
  }
  const contentHash = datasetContentHash(dataset);
  for await (const stored of client.datasets()) {
    if (stored.contentSha256 !== undefined && stored.contentSha256 !== null) {
      if (stored.contentSha256 === contentSha256) return stored.id;
    } else if (stored.contentHash === contentHash && stored.rows === dataset.rows
      && datasetContentSha256(datasetOfUpload(await client.datasetRows(stored.id))) === contentSha256) return stored.id;
  }
  return undefined;
}

/** The stored dataset's id; a refused upload's problem names the field and the file, which its own detail cannot. */
async function idOf(uploading: Promise<{ readonly id: string }>, source: DatasetFile, field: string): Promise<string> {
  try {
    return (await uploading).id;
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    const detail = `${field}: ${source.path}: ${error.problem.detail ?? error.problem.title}`;
    throw new ProblemError(error.status, { ...error.problem, detail });
  }
}

/**
 * Uploads the file at `location` as it was read and checked (its contents, not the file read
 * again); answers the stored dataset's id. The upload names its columns: a target given by index
 * goes as the name the file gives it.
 */
async function upload(client: DescentClient, source: DatasetFile, { dataset, contents }: DataFileContents, location: string, field: string): Promise<string> {
  const text = contents.toString('utf8');
  const name = basename(location);
  if (extname(location).toLowerCase() === '.csv') {
    const { difficultyColumn } = source;
    if (typeof difficultyColumn === 'number') throw new UsageError(`${field}: ${source.path}: give difficultyColumn by its name in the header to upload the file`);
    return idOf(client.uploadDataset({ csv: text }, { target: dataset.targetName, difficulty: difficultyColumn, name }), source, field);
  }
  return idOf(client.uploadDataset({ name, ...(JSON.parse(text) as DatasetUpload) }), source, field);
}

/**
 * The spec with each `{ path }` source of its model objective named by a stored dataset's id:
 * the dataset of the same content stored before, or the file uploaded. A file named twice (by any
 * spelling of its path, with the same columns) is looked at once. `told` hears which dataset each
 * file became; `at` is where the spec sits in the file (`base.` for a sweep's), for problems.
 * Any other spec is answered as it is.
 */
export async function uploadDataFiles(client: DescentClient, spec: unknown, folder: string, told: (line: string) => void, at = ''): Promise<unknown> {
  if (!isRecord(spec) || !isRecord(spec.objective) || spec.objective.type !== 'model') return spec;
  const objective = { ...spec.objective };
  const named = new Map<string, string>();
  for (const name of sourceFields) {
    const source = objective[name];
    if (!isRecord(source) || typeof source.path !== 'string') continue;
    const file = source as unknown as DatasetFile;
    const field = `${at}objective.${name}.path`;
    const location = await realpath(resolve(folder, file.path)).catch(() => resolve(folder, file.path));
    const key = dataFileKey({ ...file, path: location });
    let id = named.get(key);
    if (id === undefined) {
      // The file is read whole (a body to send again after a 429 or 503): one no Descent takes is refused unread.
      const bytes = await stat(location).then((stats) => stats.size, () => 0);
      if (bytes > largestDatasetMaxBytes) {
        throw new UsageError(`${field}: ${file.path}: ${bytes} bytes, beyond the ${largestDatasetMaxBytes} (256 MiB) any Descent takes in one upload (its DATASET_MAX_BYTES, 64 MiB unless set)`);
      }
      let read: DataFileContents;
      try {
        read = await readDataFile(file, folder, field, { contents: true });
      } catch (error) {
        throw error instanceof DataFileError ? new UsageError(`${error.path}: ${error.message}`) : error;
      }
      id = await storedWith(client, read.dataset);
      if (id === undefined) {
        id = await upload(client, file, read, location, field);
        told(`uploaded ${file.path} as dataset ${id}`);
      } else told(`${file.path} is stored already, as dataset ${id}`);
      named.set(key, id);
    }
    objective[name] = { id };
  }
  return { ...spec, objective };
}

/** A sweep spec with the data files of its base named by stored datasets' ids, as uploadDataFiles does a run spec's. */
export async function uploadBaseDataFiles(client: DescentClient, spec: unknown, folder: string, told: (line: string) => void): Promise<unknown> {
  if (!isRecord(spec) || !isRecord(spec.base)) return spec;
  return { ...spec, base: await uploadDataFiles(client, spec.base, folder, told, 'base.') };
}
