/**
 * Graceful shutdown on SIGTERM and SIGINT: the first signal runs `stop` (stop taking work,
 * finish what is in flight, close connections); a second one exits at once.
 */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>, log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const handle = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`received ${signal} again; exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      log(`received ${signal}; shutting down`);
      stop(signal).then(
        () => resolve(0),
        (error: unknown) => {
          log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
  });
}
