/**
 * JSON-lines logging for the processes that do not run fastify (worker, migrator), in the same
 * shape as fastify's pino lines: `{"level":30,"time":…,"msg":…}`.
 */
import type { Config } from './config.ts';

export interface Logger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const levels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

function serialise(value: unknown): unknown {
  return value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
}

export function createLogger(level: Config['logLevel'], write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = levels[level];
  const emit = (severity: number) => (fields: object, message?: string) => {
    if (severity < threshold) return;
    const entries = Object.entries(fields).map(([name, value]) => [name, serialise(value)]);
    write(`${JSON.stringify({ level: severity, time: Date.now(), pid: process.pid, ...Object.fromEntries(entries), msg: message })}\n`);
  };
  return { info: emit(levels.info), warn: emit(levels.warn), error: emit(levels.error) };
}
