/**
 * The `{ "path": "file.csv" | "file.json" }` data sources of a run spec sent to a running Descent:
 * the service cannot read the client's files, so each one is uploaded (POST /v1/datasets) and its
 * source becomes the stored dataset's `{ "id": … }`. The files are the ones `descent run` reads,
 * relative to the spec file's folder: a CSV with a header row (`targetColumn`, default the last;
 * `difficultyColumn`), or the JSON form a model objective takes inline.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { ProblemError, type DescentClient } from '../../client/index.ts';
import { UsageError } from './remote-command.ts';

const sourceFields = ['data', 'validation'] as const;

interface PathSource {
  readonly path: string;
  readonly targetColumn?: string;
  readonly difficultyColumn?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Uploads one file; answers the stored dataset's id. */
async function upload(client: DescentClient, source: PathSource, folder: string, field: string): Promise<string> {
  const location = resolve(folder, source.path);
  const extension = extname(location).toLowerCase();
  if (extension !== '.csv' && extension !== '.json') throw new UsageError(`${field}.path: ${source.path}: unsupported file type '${extension || '(none)'}': give a .csv or a .json file`);
  let text: string;
  try {
    text = await readFile(location, 'utf8');
  } catch (error) {
    throw new UsageError(`${field}.path: cannot read ${location}: ${(error as Error).message}`);
  }
  if (extension === '.csv') return idOf(client.uploadDataset({ csv: text }, { target: source.targetColumn, difficulty: source.difficultyColumn, name: basename(location) }), source, field);
  if (source.targetColumn !== undefined || source.difficultyColumn !== undefined) throw new UsageError(`${field}: targetColumn and difficultyColumn apply to CSV files only`);
  let dataset: unknown;
  try {
    dataset = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${field}.path: ${source.path} is not valid JSON: ${(error as Error).message}`);
  }
  return idOf(client.uploadDataset({ name: basename(location), ...(dataset as object) } as Parameters<DescentClient['uploadDataset']>[0]), source, field);
}

/** The stored dataset's id; a refused upload's problem names the field and the file, which its own detail cannot. */
async function idOf(uploading: Promise<{ readonly id: string }>, source: PathSource, field: string): Promise<string> {
  try {
    return (await uploading).id;
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    const detail = `${field}.path: ${source.path}: ${error.problem.detail ?? error.problem.title}`;
    throw new ProblemError(error.status, { ...error.problem, detail });
  }
}

/**
 * The spec with each `{ path }` source of its model objective uploaded and named by id (a file
 * named twice is uploaded once); `told` hears each upload. Any other spec is answered as it is.
 */
export async function uploadDataFiles(client: DescentClient, spec: unknown, folder: string, told: (line: string) => void): Promise<unknown> {
  if (!isRecord(spec) || !isRecord(spec.objective) || spec.objective.type !== 'model') return spec;
  const objective = { ...spec.objective };
  const uploaded = new Map<string, string>();
  for (const name of sourceFields) {
    const source = objective[name];
    if (!isRecord(source) || typeof source.path !== 'string') continue;
    const key = JSON.stringify([source.path, source.targetColumn ?? null, source.difficultyColumn ?? null]);
    let id = uploaded.get(key);
    if (id === undefined) {
      id = await upload(client, source as unknown as PathSource, folder, `objective.${name}`);
      uploaded.set(key, id);
      told(`uploaded ${source.path} as dataset ${id}`);
    }
    objective[name] = { id };
  }
  return { ...spec, objective };
}
