/**
 * Graceful shutdown on SIGTERM and SIGINT: the first signal runs `stop` (stop taking work,
 * finish what is in flight, close connections); a second one exits at once.
 *
 * It is also the process's last line of defence: an error nothing handled (an `'error'` event
 * without a listener, a rejected promise nobody awaited) is logged and runs the same `stop`,
 * and the process exits 1, instead of dying in the middle of a write. A worker's runs then
 * resume elsewhere from their checkpoints.
 *
 * Either way the process exits within `graceMs`: a stop that hangs (a connection
 * that never answers) does not keep it alive. Everything it says is a JSON line of `logger`.
 */
import type { Logger } from '../config/logger.ts';
import { errorMessage } from '../core/error-message.ts';

export function onShutdownSignal(
  stop: (signal: NodeJS.Signals | 'fatal') => Promise<void>,
  logger: Logger,
  graceMs: number,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let exitCode = 0;
    const shutDown = (reason: NodeJS.Signals | 'fatal') => {
      stopping = true;
      setTimeout(() => {
        logger.error({ graceMs }, `not stopped after ${graceMs} ms; exiting`);
        process.exit(1);
      }, graceMs).unref();
      stop(reason).then(
        () => resolve(exitCode),
        (error: unknown) => {
          logger.error({ err: error }, `shutdown failed: ${errorMessage(error)}`);
          resolve(1);
        },
      );
    };
    const handle = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, `received ${signal} again; exiting without waiting`);
        process.exit(1);
      }
      logger.info({ signal }, `received ${signal}; shutting down`);
      shutDown(signal);
    };
    const fatal = (error: unknown) => {
      exitCode = 1;
      logger.error({ err: error }, `unhandled error: ${errorMessage(error)}`);
      if (stopping) return;
      logger.error({}, 'shutting down after an unhandled error');
      shutDown('fatal');
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
  });
}
