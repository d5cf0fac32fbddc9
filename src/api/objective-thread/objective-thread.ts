/**
 * A few threads per API process that build and check the objectives of
 * requests (see inspect-objective.ts), read JSON dataset uploads (parse-dataset-upload.ts) and
 * write large pages of datasets (dataset-page.ts), so that no request holds the event loop while
 * a model is built on a large dataset, a large objective is checked, a large upload is parsed or
 * a large page is written: /healthz and every other request keep being answered meanwhile.
 * The threads are pools (src/concurrency/thread-pool.ts). Uploads are
 * parsed one at a time, on a thread of their own, the tenants taking turns: a parse's heap is
 * several times its upload, and two at once would double the process's peak. Threads start with the
 * requests that need them and end with the app. Should a thread fail (an exception nothing
 * caught, its heap running out), the requests it was sent are refused (500) and another thread
 * takes its place at the next request. Threads have no resourceLimits of their own: one large
 * allocation (JSON.parse's array of a large upload, beyond a 32 MB heap) aborted the whole
 * process at them.
 *
 * The threads are shared between tenants, fairly: one tenant's heavy work must not hold another
 * tenant's requests for seconds (a model on a 10⁶-row built-in dataset takes 15 s to build and
 * check, and three of them held another tenant's check of `x^2` for 45 s). So:
 *
 * - Two lanes. Inspections that are cheap whatever their options (isLight: an expression, a
 *   benchmark of up to 10⁵ parameters, a model of up to 10⁵ parameters whose data and parameters
 *   × rows come to about 2·10⁶ units of work) go to a thread of their own, where they never wait behind a heavy one.
 *   JSON uploads have a thread of their own too, one at a time, so that a small upload waits
 *   for no heavy inspection, its tenant's or another's. Every other request (heavier
 *   inspections, landscapes, large pages) goes to the pool of `threads` threads (two unless told).
 * - In each lane, a tenant's requests wait in a queue of their own and the tenants take turns
 *   (src/concurrency/fair-queue.ts); in the pool a tenant has at most half its threads (one of
 *   two) at once, so another tenant's heavy request starts at once rather than after a long one
 *   of the first tenant's, and a tenant's fourth heavy check waits behind its own three, not in
 *   front of anyone's. A lone tenant's heavy requests thus take turns on one thread of two: the
 *   other is kept for whoever comes next, as a thread cannot be taken back from a long request.
 * - A tenant has at most 16 requests waiting for the pool (maxWaiting) and 256 light inspections
 *   (lightWaiting); one more is refused with 429 `threads_busy` and a Retry-After of the time the
 *   waiting ones would take (the mean duration so far), instead of queues that grow without bound. A request whose client went
 *   away (its signal aborted) leaves the queue before it starts.
 * - A heavy inspection the same as one in flight (see inspectionKey: same built-in dataset spec,
 *   same options) is made once: the answer depends on the request alone. It joins the tenant's
 *   own one, waiting or started, or another tenant's that has started (joining one that waits in
 *   another tenant's queue would make it wait that tenant's turn); a joined request adds nothing
 *   to its tenant's queue. Its work is dropped only when every client that waits for it went away.
 *   Only requests whose data are built in are keyed so: writing out inline or stored data as a
 *   key would cost about as much as inspecting them.
 *
 * A small objective is inspected on the event loop instead (see isSmall): that takes a few
 * microseconds, less than the two messages to a thread and back, each waking a thread, which
 * a burst of small runs would otherwise pay per submission. Its answer is kept for the next
 * request that is the same (see inspectionKey): an inspection depends on its request alone, and
 * building the objective and measuring the run's footprint took about 20 µs of a submission's
 * CPU, where writing the request out as the key takes about 2.
 */
import { createThreadPool, type ThreadMessage } from '../../concurrency/thread-pool.ts';
import { createFairQueue } from '../../concurrency/fair-queue.ts';
import { isDataset, type Dataset } from '../../core/datasets/dataset.ts';
import type { DatasetSource } from '../../core/datasets/source.ts';
import { modelParameterCount } from '../../core/objectives/models/index.ts';
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

/** Units of work (about a multiply-add each) of a light model's data and of parameters × rows at most. */
const lightWork = 2_000_000;

/** Parameters of a light benchmark or model at most. */
const lightDimensions = 100_000;

/** Built-in datasets without a `rows` option: iris, 150 rows. */
const builtinRowsWithoutOption = 150;

/**
 * About the work of building a model's data (rows × (values a row + 1), plus the columns):
 * a stored dataset or a dense one counts every column, a sparse one its entries.
 */
function dataWork(source: DatasetSource | Dataset): number {
  if (isDataset(source)) return source.rows * (source.columns + 1);
  if ('builtin' in source) {
    const rows = 'rows' in source ? source.rows : builtinRowsWithoutOption;
    const perRow = 'wordsPerRow' in source ? source.wordsPerRow : 'columns' in source ? source.columns : 2;
    return rows * (perRow + 1) + ('columns' in source ? source.columns : 0);
  }
  if ('features' in source) return source.features.length * (source.features[0].length + 1);
  if ('rows' in source) return source.rows.reduce((sum, row) => sum + row.indices.length + 1, source.columns);
  return Infinity;
}

/** Rows and feature columns of a model's data, as far as the spec tells them (Infinity when it does not). */
function shapeOf(source: DatasetSource | Dataset): { rows: number; columns: number } {
  if (isDataset(source)) return source;
  if ('builtin' in source) {
    const rows = 'rows' in source ? source.rows : builtinRowsWithoutOption;
    return { rows, columns: 'columns' in source ? source.columns : source.builtin === 'iris' ? 4 : 2 };
  }
  if ('features' in source) return { rows: source.features.length, columns: source.features[0].length };
  if ('rows' in source) return { rows: source.rows.length, columns: source.columns };
  return { rows: Infinity, columns: Infinity };
}

/** Built-in datasets without a `classes` option: iris, 3 classes; the others' two. */
const builtinClassesWithoutOption = (builtin: string): number => (builtin === 'iris' ? 3 : 2);

/** Outputs of a model, as far as the spec tells them: its classes, the data's, or those its targets name (1 for any other targets). */
function outputsOf(spec: Extract<InspectionRequest['spec'], { type: 'model' }>): number {
  if (spec.model !== 'softmax' && spec.model !== 'mlp') return 1;
  if (spec.classes !== undefined) return spec.classes;
  const source = spec.data;
  if (!isDataset(source) && 'builtin' in source) return 'classes' in source ? source.classes : builtinClassesWithoutOption(source.builtin);
  const targets = isDataset(source) ? source.targets : 'targets' in source ? source.targets : [];
  let classes = 1;
  for (const target of targets) {
    if (!Number.isInteger(target) || target < 0) return 1;
    classes = Math.max(classes, target + 1);
  }
  return classes;
}

/**
 * An inspection that stays short whatever it is asked for (a gradient check costs 2·10⁷ units
 * of work at most, see objective-view.ts): an expression, a benchmark of up to 10⁵ parameters, a
 * model of up to 10⁵ parameters (modelParameterCount: every layer's weights, hidden to hidden
 * too) whose data and parameters × rows come to 2·10⁶ units of work at most. That is not
 * milliseconds at the bound: with a gradient check, a linear model on 9·10⁴ rows of 10 columns
 * took about 1 s, an mlp of 9·10⁴ parameters on 20 rows about 0.4 s, where an mlp of 16 hidden
 * layers of 550 units (4.5·10⁶ parameters) on 30 rows took 7 s, and now goes to the pool.
 */
function isLight({ spec }: InspectionRequest): boolean {
  if (spec.type === 'expression') return true;
  if (spec.type === 'benchmark') return (spec.dimensions ?? spec.initial?.length ?? 0) <= lightDimensions;
  const data = shapeOf(spec.data);
  const columns = data.columns;
  const rows = data.rows + (spec.validation === undefined ? 0 : shapeOf(spec.validation).rows);
  if (!Number.isFinite(rows) || !Number.isFinite(columns)) return false;
  const parameters = modelParameterCount(spec, columns, outputsOf(spec));
  const work = dataWork(spec.data) + (spec.validation === undefined ? 0 : dataWork(spec.validation));
  return parameters <= lightDimensions && work + parameters * rows <= lightWork;
}

/** The longest key of an inspection shared by the requests in flight (characters). */
const maxFlightKeyLength = 65_536;

const isBuiltin = (source: DatasetSource | Dataset): boolean => !isDataset(source) && 'builtin' in source;

/**
 * The key under which a heavy inspection is shared by the same requests in flight (inspectionKey),
 * when its data are built in (or it has none) and its start is not a long list; else undefined.
 */
function flightKey(request: InspectionRequest): string | undefined {
  const { spec } = request;
  if (spec.type === 'model' && !(isBuiltin(spec.data) && (spec.validation === undefined || isBuiltin(spec.validation)))) return undefined;
  if ((spec.initial?.length ?? 0) > smallObjective) return undefined;
  const key = inspectionKey(request);
  return key.length <= maxFlightKeyLength ? key : undefined;
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

/**
 * The signal of a request whose client may go away, made only when asked for: an inspection made
 * on the event loop never asks, and making it (a controller, a listener on the connection) would
 * cost every small submission.
 */
export type ClientSignal = () => AbortSignal;

export interface ObjectiveThreadOptions {
  /** The threads' module, answering the same messages (the one beside this file when absent). */
  readonly url?: URL;
  /** Threads of the pool at most (2 when absent), besides the light inspections' own. */
  readonly threads?: number;
  /** Requests of a tenant waiting for the pool at most (16 when absent), and light inspections 16 times as many; one more is refused (429). */
  readonly maxWaiting?: number;
}

/** A thread's answer: what it carries, or the problem it tells (an AppError's fields, or a message). */
function answerOf({ inspection, upload, landscape, page, problem }: ThreadMessage): Inspection | ParsedUpload | Landscape | Uint8Array {
  const answer = (inspection ?? upload ?? landscape ?? page) as Inspection | ParsedUpload | Landscape | Uint8Array | undefined;
  if (answer) return answer;
  const told = problem as Problem | undefined;
  if (told && 'code' in told) throw new AppError(told.statusCode, told.code, told.title, { detail: told.detail, errors: told.errors });
  throw new Error(told?.message ?? 'the objective thread answered nothing');
}

/** The 429 of a tenant with `maxWaiting` requests waiting in a lane: retry once they would have been answered. */
function threadsBusy(maxWaiting: number, perTenant: number) {
  return (_tenant: string, meanDurationMs: number): AppError => {
    const seconds = Math.min(600, Math.max(1, Math.ceil((meanDurationMs * maxWaiting) / perTenant / 1_000)));
    return new AppError(429, 'threads_busy', 'Too many requests waiting', {
      detail: `This tenant already has ${maxWaiting} requests waiting for the API's threads that build and check objectives, `
        + `read JSON uploads and write large pages; retry in ${seconds} s, once some have been answered.`,
      headers: { 'retry-after': String(seconds) },
    });
  };
}

/**
 * How many times more light inspections than heavy requests a tenant may have waiting: they take
 * milliseconds, and a burst of small runs submitted at once (a model on iris each) would otherwise
 * be refused.
 */
const lightWaiting = 16;

/** A heavy inspection in flight, which the same requests share: waited for by `waiters` clients, dropped when none waits. */
interface Flight {
  started: boolean;
  waiters: number;
  readonly dropped: AbortController;
  answer: Promise<Inspection>;
}

export function createObjectiveThread(options: ObjectiveThreadOptions = {}) {
  const url = options.url ?? threadUrl;
  const threads = Math.max(1, options.threads ?? 2);
  const maxWaiting = options.maxWaiting ?? 16;
  const pool = createThreadPool({ url, size: threads, name: 'objective', answerOf });
  const lightPool = createThreadPool({ url, size: 1, name: 'objective', answerOf });
  const perTenant = Math.max(1, Math.floor(threads / 2));
  const queue = createFairQueue({ slots: threads, perTenant, maxWaiting, busy: threadsBusy(maxWaiting, perTenant) });
  const lightQueue = createFairQueue({ slots: 1, perTenant: 1, maxWaiting: lightWaiting * maxWaiting, busy: threadsBusy(lightWaiting * maxWaiting, 1) });
  const uploadPool = createThreadPool({ url, size: 1, name: 'objective', answerOf });
  const uploadQueue = createFairQueue({ slots: 1, perTenant: 1, maxWaiting, busy: threadsBusy(maxWaiting, 1) });
  /** Small inspections made on the event loop, by inspectionKey; a request that failed keeps nothing. */
  const inspections = new Map<string, Inspection>();
  /** Heavy inspections waiting or started, by tenant and flightKey; and those started, by flightKey alone. */
  const flights = new Map<string, Flight>();
  const startedFlights = new Map<string, Flight>();

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

  /** Sends `message` to the pool when the tenant's turn comes. */
  const asked = (tenant: string, message: Message, transfer: ArrayBuffer[] = [], signal?: AbortSignal) =>
    queue.run(tenant, () => pool.ask(message, transfer), signal);

  /** The inspection of the flight under `key`, started when none the request may join is in flight. */
  function shared(tenant: string, request: InspectionRequest, key: string, signal?: AbortSignal): Promise<Inspection> {
    const own = `${tenant}\n${key}`;
    const joined = flights.get(own) ?? startedFlights.get(key);
    if (joined) return waitedFor(joined, signal);
    const dropped = new AbortController();
    const flight: Flight = { started: false, waiters: 0, dropped, answer: Promise.resolve(undefined as never) };
    const forget = () => {
      if (flights.get(own) === flight) flights.delete(own);
      if (startedFlights.get(key) === flight) startedFlights.delete(key);
    };
    // Dropped before it started: the next same request starts its own. Once started, it stays to be joined.
    dropped.signal.addEventListener('abort', () => {
      if (!flight.started) forget();
    }, { once: true });
    flights.set(own, flight);
    flight.answer = queue.run(tenant, () => {
      flight.started = true;
      if (!startedFlights.has(key)) startedFlights.set(key, flight);
      return pool.ask({ request }) as Promise<Inspection>;
    }, dropped.signal).then(frozen).finally(forget);
    // A flight every client left (dropped before it started, or failing after) is answered to nobody: its rejection is no fault.
    flight.answer.catch(() => undefined);
    return waitedFor(flight, signal);
  }

  /** The flight's answer to one more client; when the last one's signal aborts, the flight is dropped (if it has not started). */
  function waitedFor(flight: Flight, signal?: AbortSignal): Promise<Inspection> {
    flight.waiters++;
    return new Promise<Inspection>((resolve, reject) => {
      const left = () => {
        reject(signal!.reason);
        if (--flight.waiters === 0) flight.dropped.abort(signal!.reason);
      };
      if (signal?.aborted) {
        left();
        return;
      }
      signal?.addEventListener('abort', left, { once: true });
      flight.answer.then(resolve, reject).finally(() => signal?.removeEventListener('abort', left));
    });
  }

  return {
    /**
     * Builds and checks the tenant's objective (in a thread unless it is small); rejects with the
     * request's problem when it cannot be, with 429 when the tenant has too many waiting, and with
     * the client's signal's reason when it aborts before the work started (the signal is asked
     * for only when the request goes to a thread).
     */
    inspect(tenant: string, request: InspectionRequest, clientSignal?: ClientSignal): Promise<Inspection> {
      if (isSmall(request)) return new Promise((resolve) => resolve(inspectedHere(request)));
      const signal = clientSignal?.();
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (isLight(request)) return lightQueue.run(tenant, () => lightPool.ask({ request }), signal) as Promise<Inspection>;
      const key = flightKey(request);
      if (key === undefined) return asked(tenant, { request }, [], signal) as Promise<Inspection>;
      return shared(tenant, request, key, signal);
    },

    /**
     * A run's objective on a grid (see landscape-grid.ts): in the thread unless it is a benchmark
     * (a 2-D benchmark's grid takes a few milliseconds); rejects with the request's problem.
     */
    landscape(tenant: string, request: LandscapeRequest): Promise<Landscape> {
      if (request.spec.type === 'benchmark') return new Promise((resolve) => resolve(computeLandscape(request)));
      return asked(tenant, { landscapeOf: request }) as Promise<Landscape>;
    },

    /** Parses, validates and builds a JSON dataset upload (its bytes are moved to the thread); rejects with the upload's problem. */
    parseDatasetUpload(tenant: string, upload: Uint8Array): Promise<ParsedUpload> {
      return uploadQueue.run(tenant, () => uploadPool.ask({ upload }, [upload.buffer as ArrayBuffer])) as Promise<ParsedUpload>;
    },

    /** The JSON body of a page of a dataset's rows (in the thread unless the page is small; its arrays are moved there). */
    datasetPage(tenant: string, request: DatasetPageRequest): Promise<Uint8Array> {
      if (isSmallPage(request)) return new Promise((resolve) => resolve(datasetPageJson(request)));
      return asked(tenant, { pageOf: request }, datasetBuffers(request.page)) as Promise<Uint8Array>;
    },

    close: async (): Promise<void> => {
      await Promise.all([pool.close(), lightPool.close(), uploadPool.close()]);
    },
  };
}

export type ObjectiveThread = ReturnType<typeof createObjectiveThread>;
