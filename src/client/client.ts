/**
 * A typed client for a running Descent. `api` is the generated openapi-fetch client (every
 * route of openapi.yaml, typed from it); the methods beside it are the thin layer that
 * generation cannot give: throwing problems as ProblemError, waiting for a run, following its
 * events, walking paged lists, downloading a run's metrics as CSV. Every request goes through
 * retryingFetch (retry.ts).
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import { delay, followServerEvents, type FollowOptions } from './event-stream.ts';
import type { paths } from './openapi-types.ts';
import { problemOf } from './problem-error.ts';
import { retryingFetch, type RetryOptions } from './retry.ts';
import { backfillPoints, withoutGaps } from './run-events-backfill.ts';
import { descentUrlRefusal, withoutUserInfo } from './url-credentials.ts';
import type {
  Dataset, DatasetCsvQuery, DatasetListQuery, DatasetUpload, MetricRow, MetricsPage, MetricsQuery, Run, RunEvent, RunListItem, RunListQuery, RunSpecInput, Sweep, SweepEvent, SweepListQuery, SweepSpecInput, Trial, TrialListQuery,
} from './types.ts';

export interface ClientOptions {
  /** Where Descent listens, an http(s) address, e.g. `http://127.0.0.1:3000`, with no user name or password (else a TypeError): the key is `apiKey`. */
  readonly url: string;
  /** An API key (`descent keys create`); sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Retries of network errors and of 429/503 answers; `false` sends each request once. */
  readonly retry?: RetryOptions | false;
  /** The fetch to send requests with (default: the global one). */
  readonly fetch?: (request: Request) => Promise<Response>;
  /**
   * How long to wait for an answer to start (its status and headers), in milliseconds, before
   * the attempt fails with AnswerTimeoutError (retried as a network error is). Unset: the
   * fetch's own limit (Node's: five minutes). The body is not timed: an event stream lasts.
   * At most `longestAnswerTimeoutMs` (a timer's longest; beyond, Node fires it at once).
   */
  readonly answerTimeoutMs?: number;
}

/** The longest answerTimeoutMs: Node's timers take at most 2³¹ − 1 ms, and fire at once beyond. */
export const longestAnswerTimeoutMs = 2 ** 31 - 1;

/** An attempt whose answer did not start within `answerTimeoutMs`. */
export class AnswerTimeoutError extends Error {
  override readonly name = 'AnswerTimeoutError';
}

/** The fetch, with each attempt abandoned when its answer has not started within `ms`. */
function answeredWithin(base: (request: Request) => Promise<Response>, ms: number): (request: Request) => Promise<Response> {
  return async (request) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AnswerTimeoutError(`${withoutUserInfo(request.url)} did not answer within ${ms / 1000} s.`)), ms);
    try {
      return await base(new Request(request, { signal: AbortSignal.any([request.signal, timeout.signal]) }));
    } finally {
      clearTimeout(timer);
    }
  };
}

export interface WaitOptions<Event = RunEvent> extends FollowOptions {
  /** Told every event as it arrives (for a run: status, progress, metrics). */
  readonly onEvent?: (event: Event) => void;
}

export interface SubmitOptions {
  /** Makes the submission safe to repeat: the same key and spec answer with the run created first. */
  readonly idempotencyKey?: string;
}

export type DescentClient = ReturnType<typeof createClient>;

/** What a CSV download of a run's metrics may choose. */
type CsvQuery = Pick<MetricsQuery, 'fields' | 'from' | 'to' | 'maxPoints'>;

/** How long `waitForSweep` waits, at most, for the trials a finished sweep cancelled to stop, and how often it looks. */
const trialsStopMs = 60_000;
const trialsPollMs = 250;

/** The outcome openapi-fetch gives every call. */
interface Outcome<Data> {
  readonly data?: Data;
  readonly error?: unknown;
  readonly response: Response;
}

/** The data of a successful call; a failed one throws its ProblemError. */
async function dataOf<Data>(call: Promise<Outcome<Data>>): Promise<Data> {
  const { data, error, response } = await call;
  if (!response.ok) throw await problemOf(response, error);
  return data as Data;
}

/** Every item of a cursor-paged list, fetching the next page only when the caller reaches it. */
export async function* everyPage<Item>(page: (cursor: string | undefined) => Promise<{ items: Item[]; nextCursor: string | null }>): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    yield* items;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}

export function createClient(options: ClientOptions) {
  const refusal = descentUrlRefusal(options.url, { url: 'url', apiKey: 'pass it as apiKey' });
  if (refusal !== undefined) throw new TypeError(refusal);
  const anyFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const timeoutMs = options.answerTimeoutMs;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= longestAnswerTimeoutMs)) {
    throw new RangeError(`answerTimeoutMs takes milliseconds above 0 and at most ${longestAnswerTimeoutMs}, not ${timeoutMs}`);
  }
  const baseFetch = timeoutMs === undefined ? anyFetch : answeredWithin(anyFetch, timeoutMs);
  const api: Client<paths> = createFetchClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    fetch: options.retry === false ? baseFetch : retryingFetch(baseFetch, options.retry),
  });
  const path = (id: string) => ({ path: { id } });
  const idempotency = (submit?: SubmitOptions) => (submit?.idempotencyKey === undefined ? {} : { 'idempotency-key': submit.idempotencyKey });

  function metricRows(id: string, query: Omit<MetricsQuery, 'maxPoints'> = {}): AsyncGenerator<MetricRow> {
    return everyPage(async (cursor) => {
      const page = (await dataOf(api.GET('/v1/runs/{id}/metrics', { params: { ...path(id), query: { ...query, cursor, format: 'json' } } }))) as MetricsPage;
      return { items: page.points as MetricRow[], nextCursor: page.nextCursor };
    });
  }

  /** One page of steps (or of buckets, with `maxPoints`). */
  const metrics = async (id: string, query: MetricsQuery & { cursor?: string } = {}): Promise<MetricsPage> =>
    (await dataOf(api.GET('/v1/runs/{id}/metrics', { params: { ...path(id), query: { ...query, format: 'json' } } }))) as MetricsPage;

  function runEvents(id: string, follow: FollowOptions = {}): AsyncGenerator<RunEvent> {
    let opened = 0;
    const open = async () => {
      const body = (await dataOf(api.GET('/v1/runs/{id}/events', { params: path(id), parseAs: 'stream', signal: follow.signal })))!;
      opened += 1;
      return body;
    };
    const events = followServerEvents(open, follow) as AsyncGenerator<RunEvent>;
    return withoutGaps({
      runId: id,
      events,
      opened: () => opened,
      pointsFrom: (from) => metrics(id, { from, maxPoints: backfillPoints }),
      rowAt: async (step) => (await metrics(id, { from: step, to: step, limit: 1 })).points[0] as MetricRow | undefined,
    });
  }

  function sweepEvents(id: string, follow: FollowOptions = {}): AsyncGenerator<SweepEvent> {
    const open = async () => (await dataOf(api.GET('/v1/sweeps/{id}/events', { params: path(id), parseAs: 'stream', signal: follow.signal })))!;
    return followServerEvents(open, follow) as AsyncGenerator<SweepEvent>;
  }

  return {
    api,

    submitRun: (spec: RunSpecInput, submit?: SubmitOptions): Promise<Run> =>
      dataOf(api.POST('/v1/runs', { body: spec, params: { header: idempotency(submit) } })),
    getRun: (id: string): Promise<Run> => dataOf(api.GET('/v1/runs/{id}', { params: path(id) })),
    cancelRun: (id: string): Promise<Run> => dataOf(api.POST('/v1/runs/{id}/cancel', { params: path(id) })),
    deleteRun: async (id: string): Promise<void> => {
      await dataOf(api.DELETE('/v1/runs/{id}', { params: path(id) }));
    },
    /** Every run matching the filters, newest first, across pages; each result without `params` (getRun has them). */
    runs: (query: RunListQuery = {}): AsyncGenerator<RunListItem> =>
      everyPage(async (cursor) => {
        const page = await dataOf(api.GET('/v1/runs', { params: { query: { ...query, cursor } } }));
        return { items: page.runs, nextCursor: page.nextCursor };
      }),

    /**
     * The run's live events (status, progress, metrics), ending with `end` once it has finished;
     * across reopened streams, the steps stored meanwhile come as one `metrics` event read from the
     * metrics endpoint: their rows when at most 256, else the first and last rows and the gap's
     * buckets (`downsampled: true`), and the status a stream opens with is not said again
     * (run-events-backfill.ts).
     */
    runEvents,

    /** Follows the run's events until it has finished, then answers its final view. */
    async waitForRun(id: string, wait: WaitOptions = {}): Promise<Run> {
      for await (const event of runEvents(id, wait)) wait.onEvent?.(event);
      return dataOf(api.GET('/v1/runs/{id}', { params: path(id) }));
    },

    metrics,
    /** Every recorded step of the range, in step order, across pages. */
    metricRows,
    /** Every recorded step of the run (or of `from`–`to`; or `maxPoints` buckets) as one CSV document with a header row. */
    metricsCsv: async (id: string, query: CsvQuery = {}): Promise<string> =>
      (await dataOf(api.GET('/v1/runs/{id}/metrics', { params: { ...path(id), query: { ...query, format: 'csv' } }, parseAs: 'text' }))) as string,
    /** The same CSV as a stream, read as the server sends it: for a run too long to hold as one string. */
    metricsCsvStream: async (id: string, query: CsvQuery = {}): Promise<ReadableStream<Uint8Array>> =>
      (await dataOf(api.GET('/v1/runs/{id}/metrics', { params: { ...path(id), query: { ...query, format: 'csv' } }, parseAs: 'stream' })))!,

    /**
     * Stores a dataset for model objectives to name as `{ "id": … }`: the JSON form an objective
     * takes inline, or CSV text (a header row, then rows of numbers; `target` names the target
     * column, default the last). Each upload stores a new dataset, the same content again too:
     * its `contentSha256` tells equal content apart; `datasets({ contentSha256 })` finds one stored before.
     */
    uploadDataset: (data: DatasetUpload | { readonly csv: string }, query: DatasetCsvQuery = {}): Promise<Dataset> =>
      'csv' in data
        ? dataOf(api.POST('/v1/datasets', {
          // The document describes the JSON body; CSV goes as it is, under its own type.
          body: data.csv as unknown as DatasetUpload,
          bodySerializer: (body: unknown) => body as string,
          headers: { 'content-type': 'text/csv' },
          params: { query },
        }))
        : dataOf(api.POST('/v1/datasets', { body: data })),

    /**
     * The tenant's datasets, newest first, across pages (descriptions: each with its `contentHash`
     * and `contentSha256`); with `{ contentSha256 }`, only those of that content (a digest not
     * written as one: a ProblemError).
     */
    datasets: (query: DatasetListQuery = {}): AsyncGenerator<Dataset> =>
      everyPage(async (cursor) => {
        const page = await dataOf(api.GET('/v1/datasets', { params: { query: { ...query, limit: 200, cursor } } }));
        return { items: page.datasets, nextCursor: page.nextCursor };
      }),

    /** Every row of a stored dataset, in the upload form it is stored in (every number bit for bit), read page by page. */
    async datasetRows(id: string): Promise<DatasetUpload> {
      let whole: Record<string, unknown> | undefined;
      for (let offset: number | null = 0; offset !== null;) {
        const page: { data: DatasetUpload; nextOffset: number | null } = await dataOf(api.GET('/v1/datasets/{id}/data', { params: { ...path(id), query: { offset, limit: 100_000 } } }));
        const rows = page.data as Record<string, unknown>;
        if (whole === undefined) whole = { ...rows };
        // A page's row arrays follow the last one's; the rest (columns, names) is the dataset's.
        else for (const [key, value] of Object.entries(rows)) if (Array.isArray(value)) whole[key] = [...(whole[key] as unknown[]), ...value];
        offset = page.nextOffset;
      }
      return whole as DatasetUpload;
    },

    submitSweep: (spec: SweepSpecInput, submit?: SubmitOptions): Promise<Sweep> =>
      dataOf(api.POST('/v1/sweeps', { body: spec, params: { header: idempotency(submit) } })),
    getSweep: (id: string): Promise<Sweep> => dataOf(api.GET('/v1/sweeps/{id}', { params: path(id) })),
    cancelSweep: (id: string): Promise<Sweep> => dataOf(api.POST('/v1/sweeps/{id}/cancel', { params: path(id) })),
    /** The sweep's live events (its rounds, its trials' ends), ending with `end` once it has finished. */
    sweepEvents,
    /**
     * Follows the sweep's events until it has finished, then answers its final view. A sweep a
     * client cancelled (or whose coordination failed) has finished before its running trials
     * stop, each within a slice: the view is read again until none is queued or running, for a
     * minute at most. Every other ending (its target, failures, time limit, budget…) comes once
     * every trial has ended.
     */
    async waitForSweep(id: string, wait: WaitOptions<SweepEvent> = {}): Promise<Sweep> {
      for await (const event of sweepEvents(id, wait)) wait.onEvent?.(event);
      let sweep = await dataOf(api.GET('/v1/sweeps/{id}', { params: path(id) }));
      for (let waited = 0; sweep.trials.queued + sweep.trials.running > 0 && waited < trialsStopMs; waited += trialsPollMs) {
        await delay(trialsPollMs, wait.signal);
        sweep = await dataOf(api.GET('/v1/sweeps/{id}', { params: path(id) }));
      }
      return sweep;
    },
    sweeps: (query: SweepListQuery = {}): AsyncGenerator<Sweep> =>
      everyPage(async (cursor) => {
        const page = await dataOf(api.GET('/v1/sweeps', { params: { query: { ...query, cursor } } }));
        return { items: page.sweeps, nextCursor: page.nextCursor };
      }),
    /**
     * The sweep's trials across pages: best first (its leaderboard, `order: 'rank'`, the default),
     * or by trial number with `{ order: 'trial' }`, which returns every trial exactly once even
     * while the sweep runs. A trial that changes its place in the leaderboard while the pages are
     * read (it ends, or gets its value) may come twice or not at all; every other comes once.
     */
    trials: (id: string, query: TrialListQuery = {}): AsyncGenerator<Trial> =>
      everyPage(async (cursor) => {
        const page = await dataOf(api.GET('/v1/sweeps/{id}/trials', { params: { ...path(id), query: { ...query, cursor, format: 'json' } } }));
        return { items: page.items, nextCursor: page.nextCursor };
      }),
  };
}
