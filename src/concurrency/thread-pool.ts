/**
 * A few worker threads that answer requests, each a message with an id, so that work which
 * would hold the event loop for long runs beside it instead. A request goes to an idle thread,
 * started when none is, up to the pool's size, and otherwise to the thread with the fewest
 * requests waiting: one long request does not hold every other behind it. Threads start with
 * the requests that need them and are kept until the pool closes; they do not keep the process
 * alive. Should a thread fail (an exception nothing caught, its heap running out), the requests
 * it was sent are refused and another thread takes its place at the next request; the failed
 * thread's events concern only its own requests. Threads have no resourceLimits of their own:
 * Node ends a thread at them only for some allocations, and one large allocation aborted the
 * whole process instead.
 */
import { Worker } from 'node:worker_threads';

/** A thread's answer to the request `id`, with what it carries. */
export type ThreadMessage = { readonly id: number } & Record<string, unknown>;

export interface ThreadPoolOptions<Answer> {
  /** The threads' module. */
  readonly url: URL;
  /** Threads at most. */
  readonly size: number;
  /** What the threads are called in errors: `the ${name} thread exited with code 1`, `the ${name} threads are closed`. */
  readonly name: string;
  /** The answer a thread's message carries; throws what the request is refused with (the problem the message tells). */
  readonly answerOf: (message: ThreadMessage) => Answer;
}

interface Pending<Answer> {
  resolve(answer: Answer): void;
  reject(error: unknown): void;
}

/** A started thread and the requests it was sent and has not answered. */
interface Thread<Answer> {
  readonly worker: Worker;
  readonly pending: Map<number, Pending<Answer>>;
}

export function createThreadPool<Answer>(options: ThreadPoolOptions<Answer>) {
  const size = Math.max(1, options.size);
  /** The threads requests go to, in the order they started; a thread leaves when it ends. */
  let threads: Thread<Answer>[] = [];
  let nextId = 0;
  /** Set by close(): requests are refused instead of starting a thread. */
  let closed = false;

  /**
   * A thread ended (it failed, or exited): its own waiting requests are refused. A thread's
   * 'exit' follows its 'error', by when a new thread may serve new requests: those are not its own.
   */
  function ended(thread: Thread<Answer>, error: Error): void {
    threads = threads.filter((other) => other !== thread);
    for (const waiting of thread.pending.values()) waiting.reject(error);
    thread.pending.clear();
  }

  /** The first idle thread; else a new one while the pool has room; else the one with the fewest requests waiting. */
  function chosen(): Thread<Answer> {
    const idle = threads.find((thread) => thread.pending.size === 0);
    if (idle) return idle;
    if (threads.length < size) return started();
    return threads.reduce((least, thread) => (thread.pending.size < least.pending.size ? thread : least));
  }

  function started(): Thread<Answer> {
    const worker = new Worker(options.url);
    worker.unref();
    const thread: Thread<Answer> = { worker, pending: new Map() };
    worker.on('message', (message: ThreadMessage) => {
      const waiting = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      if (!waiting) return;
      try {
        waiting.resolve(options.answerOf(message));
      } catch (error) {
        waiting.reject(error);
      }
    });
    worker.on('error', (error) => {
      ended(thread, error);
      void worker.terminate();
    });
    worker.on('exit', (code) => ended(thread, new Error(`the ${options.name} thread exited with code ${code}`)));
    threads.push(thread);
    return thread;
  }

  return {
    /** Sends `message` (with an id added) to a thread, moving `transfer`; settles with the thread's answer. */
    ask(message: object, transfer: ArrayBuffer[] = []): Promise<Answer> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error(`the ${options.name} threads are closed`));
          return;
        }
        const thread = chosen();
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage({ id, ...message }, transfer);
      });
    },

    async close(): Promise<void> {
      closed = true;
      const closing = threads;
      threads = [];
      await Promise.all(closing.map((thread) => thread.worker.terminate()));
    },
  };
}
