/**
 * A few threads per API process (two unless told) that build and check the objectives of
 * requests (see inspect-objective.ts), read JSON dataset uploads (parse-dataset-upload.ts) and
 * write large pages of datasets (dataset-page.ts), so that no request holds the event loop while
 * a model is built on a large dataset, a large objective is checked, a large upload is parsed or
 * a large page is written: /healthz and every other request keep being answered meanwhile.
 * The threads are a pool (src/concurrency/thread-pool.ts): one large upload being parsed (seconds
 * for hundreds of megabytes) does not hold every other model's check behind it. Uploads are
 * parsed one at a time, each sent when the one before was answered: a parse's heap is several
 * times its upload, and two at once would double the process's peak. Threads start with the
 * requests that need them and end with the app. Should a thread fail (an exception nothing
 * caught, its heap running out), the requests it was sent are refused (500) and another thread
 * takes its place at the next request. Threads have no resourceLimits of their own: one large
 * allocation (JSON.parse's array of a large upload, beyond a 32 MB heap) aborted the whole
 * process at them.
 *
 * A small objective is inspected on the event loop instead (see isSmall): that takes a few
 * microseconds, less than the two messages to a thread and back, each waking a thread, which
 * a burst of small runs would otherwise pay per submission. Its answer is kept for the next
 * request that is the same (see inspectionKey): an inspection depends on its request alone, and
 * building the objective and measuring the run's footprint took about 20 µs of a submission's
 * CPU, where writing the request out as the key takes about 2.
 */
import { createThreadPool, type ThreadMessage } from '../../concurrency/thread-pool.ts';
import { AppError } from '../errors/app-error.ts';
import { inspectObjective, type Inspection, type InspectionRequest } from './inspect-objective.ts';
import { datasetBuffers, type ParsedUpload } from './parse-dataset-upload.ts';
import { datasetPageJson, isSmallPage, type DatasetPageRequest } from './dataset-page.ts';
import { computeLandscape, type Landscape, type LandscapeRequest } from './landscape-grid.ts';

type Problem =
  | { readonly statusCode: number; readonly code: AppError['code']; readonly title: string; readonly detail?: string; readonly errors?: AppError['errors'] }
  | { readonly message: string };

/** The thread's module: compiled JavaScript beside this file, or the TypeScript sources through tsx. */
const threadUrl = import.meta.url.endsWith('.ts')
  ? new URL('./thread-bootstrap.js', import.meta.url)
  : new URL('./inspection-thread.js', import.meta.url);

/** Parameters of a benchmark, and characters of an expression, inspected on the event loop at most. */
const smallObjective = 1_000;

/**
 * An objective whose inspection is cheap whatever else the request holds: a benchmark of up to
 * 1,000 parameters or an expression of up to 1,000 characters (already parsed once by the
 * request's validation), not asked for a gradient check. Models on data always go to the thread.
 */
function isSmall({ spec, gradientCheck }: InspectionRequest): boolean {
  if (gradientCheck) return false;
  if (spec.type === 'benchmark') return (spec.dimensions ?? spec.initial?.length ?? 0) <= smallObjective;
  return spec.type === 'expression' && spec.expression.length <= smallObjective;
}

/** Small inspections kept, at most (the oldest are forgotten first): a burst of runs mostly repeats a few. */
const keptInspections = 256;

/**
 * The longest request key kept (characters): a small objective may still name 1,000 long
 * variables, and 256 such keys with their answers would hold about 100 MB. Longer requests are
 * inspected afresh each time, so the kept inspections hold about 2.5 MB at most.
 */
const keptKeyLength = 4_096;

/**
 * A small inspection's request as a key: its JSON, where -0 and a number that is not finite,
 * which JSON writes as 0 and null, stand apart from those (no field holds an object in their place).
 */
const inspectionKey = (request: InspectionRequest): string => JSON.stringify(request, (_field, value: unknown) =>
  (typeof value === 'number' && (Object.is(value, -0) || !Number.isFinite(value)) ? { number: Object.is(value, -0) ? '-0' : String(value) } : value));

/** Frozen, as every request it answers shares it. */
function frozen(inspection: Inspection): Inspection {
  for (const part of [inspection.variables, inspection.initial, inspection.footprint, inspection.oneReplicaFootprint]) if (part) Object.freeze(part);
  return Object.freeze(inspection);
}

export interface ObjectiveThreadOptions {
  /** The threads' module, answering the same messages (the one beside this file when absent). */
  readonly url?: URL;
  /** Threads at most (2 when absent). */
  readonly threads?: number;
}

/** A thread's answer: what it carries, or the problem it tells (an AppError's fields, or a message). */
function answerOf({ inspection, upload, landscape, page, problem }: ThreadMessage): Inspection | ParsedUpload | Landscape | Uint8Array {
  const answer = (inspection ?? upload ?? landscape ?? page) as Inspection | ParsedUpload | Landscape | Uint8Array | undefined;
  if (answer) return answer;
  const told = problem as Problem | undefined;
  if (told && 'code' in told) throw new AppError(told.statusCode, told.code, told.title, { detail: told.detail, errors: told.errors });
  throw new Error(told?.message ?? 'the objective thread answered nothing');
}

export function createObjectiveThread(options: ObjectiveThreadOptions = {}) {
  const pool = createThreadPool({ url: options.url ?? threadUrl, size: options.threads ?? 2, name: 'objective', answerOf });
  /** Settles (to nothing: no parsed upload is kept) when the last upload sent has been answered: the next waits for it. */
  let lastUpload: Promise<void> = Promise.resolve();
  /** Small inspections made on the event loop, by inspectionKey; a request that failed keeps nothing. */
  const inspections = new Map<string, Inspection>();

  function inspectedHere(request: InspectionRequest): Inspection {
    const key = inspectionKey(request);
    const kept = inspections.get(key);
    if (kept) return kept;
    const inspection = frozen(inspectObjective(request));
    if (key.length > keptKeyLength) return inspection;
    if (inspections.size >= keptInspections) inspections.delete(inspections.keys().next().value!);
    inspections.set(key, inspection);
    return inspection;
  }

  type Message = { request: InspectionRequest } | { upload: Uint8Array } | { landscapeOf: LandscapeRequest } | { pageOf: DatasetPageRequest };

  const asked = (message: Message, transfer: ArrayBuffer[] = []) => pool.ask(message, transfer);

  return {
    /** Builds and checks the objective (in the thread unless it is small); rejects with the request's problem when it cannot be. */
    inspect(request: InspectionRequest): Promise<Inspection> {
      if (isSmall(request)) return new Promise((resolve) => resolve(inspectedHere(request)));
      return asked({ request }) as Promise<Inspection>;
    },

    /**
     * A run's objective on a grid (see landscape-grid.ts): in the thread unless it is a benchmark
     * (a 2-D benchmark's grid takes a few milliseconds); rejects with the request's problem.
     */
    landscape(request: LandscapeRequest): Promise<Landscape> {
      if (request.spec.type === 'benchmark') return new Promise((resolve) => resolve(computeLandscape(request)));
      return asked({ landscapeOf: request }) as Promise<Landscape>;
    },

    /** Parses, validates and builds a JSON dataset upload (its bytes are moved to the thread); rejects with the upload's problem. */
    parseDatasetUpload(upload: Uint8Array): Promise<ParsedUpload> {
      const parsed = lastUpload.then(() => asked({ upload }, [upload.buffer as ArrayBuffer]) as Promise<ParsedUpload>);
      lastUpload = parsed.then(() => undefined, () => undefined);
      return parsed;
    },

    /** The JSON body of a page of a dataset's rows (in the thread unless the page is small; its arrays are moved there). */
    datasetPage(request: DatasetPageRequest): Promise<Uint8Array> {
      if (isSmallPage(request)) return new Promise((resolve) => resolve(datasetPageJson(request)));
      return asked({ pageOf: request }, datasetBuffers(request.page)) as Promise<Uint8Array>;
    },

    close: (): Promise<void> => pool.close(),
  };
}

export type ObjectiveThread = ReturnType<typeof createObjectiveThread>;
