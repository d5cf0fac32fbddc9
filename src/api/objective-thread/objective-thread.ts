/**
 * One thread per API process that builds and checks the objectives of requests (see
 * inspect-objective.ts), so that no request holds the event loop while a model is built on a
 * large dataset or a large objective is checked: /healthz and every other request keep being
 * answered meanwhile. Requests wait their turn; the thread starts with the first and is ended
 * with the app.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/app-error.ts';
import type { Inspection, InspectionRequest } from './inspect-objective.ts';

type Problem =
  | { readonly statusCode: number; readonly code: AppError['code']; readonly title: string; readonly detail?: string; readonly errors?: AppError['errors'] }
  | { readonly message: string };

interface Pending {
  resolve(inspection: Inspection): void;
  reject(error: Error): void;
}

/** The thread's module: compiled JavaScript beside this file, or the TypeScript sources through tsx. */
const threadUrl = import.meta.url.endsWith('.ts')
  ? new URL('./thread-bootstrap.js', import.meta.url)
  : new URL('./inspection-thread.js', import.meta.url);

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
    worker.on('message', ({ id, inspection, problem }: { id: number; inspection?: Inspection; problem?: Problem }) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (!waiting) return;
      if (inspection) waiting.resolve(inspection);
      else if (problem && 'code' in problem) waiting.reject(new AppError(problem.statusCode, problem.code, problem.title, { detail: problem.detail, errors: problem.errors }));
      else waiting.reject(new Error(problem?.message ?? 'the objective thread answered nothing'));
    });
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => failAll(new Error(`the objective thread exited with code ${code}`)));
    thread = worker;
    return worker;
  }

  return {
    /** Builds and checks the objective in the thread; rejects with the request's problem when it cannot be. */
    inspect(request: InspectionRequest): Promise<Inspection> {
      const id = nextId++;
      return new Promise<Inspection>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        started().postMessage({ id, request });
      });
    },

    async close(): Promise<void> {
      const worker = thread;
      thread = null;
      if (worker) await worker.terminate();
    },
  };
}

export type ObjectiveThread = ReturnType<typeof createObjectiveThread>;
