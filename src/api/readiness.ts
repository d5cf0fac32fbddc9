/**
 * Readiness: can this process reach PostgreSQL and Redis right now? Each check has a deadline,
 * so a hung connection reads as "down" rather than hanging the probe.
 */
import { describePostgres, describeRedis, type Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import { pingDatabase } from '../db/ping.ts';
import type { Redis } from '../queue/connection.ts';
import { pingRedis } from '../queue/ping.ts';

type ServiceName = 'postgres' | 'redis';

export interface ServiceCheck {
  readonly name: ServiceName;
  readonly ok: boolean;
  readonly error?: string;
}

export interface ReadinessDependencies {
  readonly config: Pick<Config, 'databaseUrl' | 'redisUrl' | 'readinessTimeoutMs'>;
  readonly database: Database;
  readonly redis: Redis;
}

function withDeadline(work: Promise<void>, milliseconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) return error.message.split('\n').find((line) => line.trim() !== '')?.trim() || error.name;
  return String(error);
}

async function check(name: ServiceName, work: () => Promise<void>, milliseconds: number): Promise<ServiceCheck> {
  try {
    await withDeadline(work(), milliseconds);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: reason(error) };
  }
}

export async function checkServices(dependencies: ReadinessDependencies): Promise<ServiceCheck[]> {
  const timeout = dependencies.config.readinessTimeoutMs;
  return Promise.all([
    check('postgres', () => pingDatabase(dependencies.database), timeout),
    check('redis', () => pingRedis(dependencies.redis), timeout),
  ]);
}

const serviceLabels: Record<ServiceName, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/** One line per unreachable service, e.g. `Redis is unreachable at 127.0.0.1:6379: connect ECONNREFUSED`. */
export function describeFailures(checks: readonly ServiceCheck[], config: Pick<Config, 'databaseUrl' | 'redisUrl'>): string[] {
  return checks
    .filter((entry) => !entry.ok)
    .map((entry) => {
      const where = entry.name === 'postgres' ? describePostgres(config.databaseUrl) : describeRedis(config.redisUrl);
      return `${serviceLabels[entry.name]} is unreachable at ${where}: ${entry.error}`;
    });
}
