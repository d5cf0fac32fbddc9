/**
 * One thread per API process that builds and checks the objectives of requests (see
 * inspect-objective.ts) and reads JSON dataset uploads (parse-dataset-upload.ts), so that no
 * request holds the event loop while a model is built on a large dataset, a large objective is
 * checked or a large upload is parsed: /healthz and every other request keep being answered
 * meanwhile. Requests wait their turn; the thread starts with the first and is ended
 * with the app.
 *
 * A small objective is inspected on the event loop instead (see isSmall): that takes a few
 * microseconds, less than the two messages to the thread and back, each waking a thread, which
 * a burst of small runs would otherwise pay per submission.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/app-error.ts';
import { inspectObjective, type Inspection, type InspectionRequest } from './inspect-objective.ts';
import { computeLandscape, type Landscape, type LandscapeRequest } from './landscape-grid.ts';
import type { ParsedUpload } from './parse-dataset-upload.ts';

type Problem =
  | { readonly statusCode: number; readonly code: AppError['code']; readonly title: string; readonly detail?: string; readonly errors?: AppError['errors'] }
  | { readonly message: string };

interface Pending {
  resolve(answer: Inspection | ParsedUpload | Landscape): void;
  reject(error: Error): void;
}

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

export function createObjectiveThread() {
  let thread: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  function failAll(error: Error): void {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    thread = null;
  }

  function started(): Worker {
    if (thread) return thread;
    const worker = new Worker(threadUrl);
    worker.unref();
    worker.on('message', ({ id, inspection, upload, landscape, problem }: { id: number; inspection?: Inspection; upload?: ParsedUpload; landscape?: Landscape; problem?: Problem }) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (!waiting) return;
      const answer = inspection ?? upload ?? landscape;
      if (answer) waiting.resolve(answer);
      else if (problem && 'code' in problem) waiting.reject(new AppError(problem.statusCode, problem.code, problem.title, { detail: problem.detail, errors: problem.errors }));
      else waiting.reject(new Error(problem?.message ?? 'the objective thread answered nothing'));
    });
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => failAll(new Error(`the objective thread exited with code ${code}`)));
    thread = worker;
    return worker;
  }

  function asked(message: { request: InspectionRequest } | { upload: Uint8Array } | { landscapeOf: LandscapeRequest }, transfer: ArrayBuffer[] = []): Promise<Inspection | ParsedUpload | Landscape> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      started().postMessage({ id, ...message }, transfer);
    });
  }

  return {
    /** Builds and checks the objective (in the thread unless it is small); rejects with the request's problem when it cannot be. */
    inspect(request: InspectionRequest): Promise<Inspection> {
      if (isSmall(request)) return new Promise((resolve) => resolve(inspectObjective(request)));
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
      return asked({ upload }, [upload.buffer as ArrayBuffer]) as Promise<ParsedUpload>;
    },

    async close(): Promise<void> {
      const worker = thread;
      thread = null;
      if (worker) await worker.terminate();
    },
  };
}

export type ObjectiveThread = ReturnType<typeof createObjectiveThread>;
