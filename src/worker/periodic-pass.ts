/**
 * A pass a worker repeats in the background: the first after `firstPassMs`, each next one
 * `intervalMs` after the previous one ended, never two at once. A pass that fails is retried at
 * the next interval; it never stops the worker, nor keeps its process alive.
 */
export function startPeriodicPass(pass: () => Promise<void>, intervalMs: number, firstPassMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    running = pass().catch(() => undefined).finally(() => {
      if (!stopped) timer = setTimeout(next, intervalMs).unref();
    });
  };
  timer = setTimeout(next, firstPassMs).unref();
  /** Stops the passes and waits for one in progress. */
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
