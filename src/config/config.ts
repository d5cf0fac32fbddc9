/**
 * Service settings, read from the environment once and validated by zod. This module is the
 * only reader of `process.env`; everything else receives a `Config`.
 */
import { z } from 'zod';
import { fetchBlockedPorts } from '../contracts/fetch-blocked-ports.ts';
import { defaultReplicaStartTimeoutMs } from '../concurrent-runs/replica-arrivals.ts';
import { defaultReplicaStallTimeoutMs, longestReplicaTimeoutMs } from '../concurrent-runs/replica-stalls.ts';

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' });

/** The largest DATASET_MAX_BYTES a Descent may be given: no upload beyond it is ever taken. */
export const largestDatasetMaxBytes = 268_435_456;

export const configSchema = z.object({
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/descent'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Not one of the ports fetch never connects to: Descent's CLI, typed client and dashboard could not reach it. */
  PORT: integer(3000, 0, 65_535).refine((port) => !fetchBlockedPorts.has(port), {
    error: 'fetch never connects to this port (one of the ports the Fetch standard blocks), so neither the CLI, the client nor a browser could reach Descent; choose another',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Jobs one worker process runs at the same time. */
  WORKER_CONCURRENCY: integer(2, 1, 256),
  /** Replicas of concurrent parallel runs (downpour, easgd, adaptive-revision) one worker process runs at once. */
  REPLICA_CONCURRENCY: integer(8, 1, 256),
  /**
   * How long a concurrent downpour, easgd or adaptive-revision run waits for replicas no worker
   * begins (none serves the queue, or one holds the job and shows no sign of starting it: its
   * heartbeat lapsed), or resumes once begun; past it the run fails, naming them
   * (src/concurrent-runs/replica-arrivals.ts, replica-stalls.ts).
   */
  REPLICA_START_TIMEOUT_MS: integer(defaultReplicaStartTimeoutMs, 1_000, longestReplicaTimeoutMs),
  /**
   * How long such a run waits for a begun replica whose job a worker holds (renewing its lock)
   * while that worker's own heartbeat of it has lapsed (its loop, or its resumption of the
   * replica, hangs); past it the run fails, naming it and the worker (src/concurrent-runs/replica-stalls.ts).
   */
  REPLICA_STALL_TIMEOUT_MS: integer(defaultReplicaStallTimeoutMs, 1_000, longestReplicaTimeoutMs),
  /**
   * A worker holds a job's lock for this long and renews it at half that; a worker that dies
   * (SIGKILL, lost machine) lets it expire, and the job is handed to another worker at the next
   * stalled-job check, every WORKER_STALLED_INTERVAL_MS. The run then resumes from its checkpoint.
   */
  WORKER_LOCK_DURATION_MS: integer(10_000, 1_000, 600_000),
  WORKER_STALLED_INTERVAL_MS: integer(5_000, 500, 600_000),
  /** Times a job may be found stalled (its worker gone) and resumed before it is failed. */
  WORKER_MAX_STALLED_COUNT: integer(3, 0, 100),
  /** Largest accepted request body; larger ones get 413. */
  BODY_LIMIT_BYTES: integer(1_048_576, 1_024, 1_073_741_824),
  /**
   * How long a request may take to arrive, headers and body (Node's own default); a client that
   * announces a body and never sends it gets 408 instead of holding its connection for good.
   */
  REQUEST_TIMEOUT_MS: integer(300_000, 1_000, 3_600_000),
  /** Largest dataset upload (POST /v1/datasets, JSON or CSV) in bytes, rows and feature columns; larger ones get 413. */
  DATASET_MAX_BYTES: integer(67_108_864, 1_024, largestDatasetMaxBytes),
  DATASET_MAX_ROWS: integer(1_000_000, 1, 1_000_000),
  DATASET_MAX_COLUMNS: integer(10_000, 1, 100_000),
  /** Requests one API key may make per window, counted in Redis across all API processes. */
  RATE_LIMIT_MAX: integer(600, 1, 1_000_000),
  RATE_LIMIT_WINDOW_SECONDS: integer(60, 1, 86_400),
  /** Requests with an unknown or revoked key one client address may make per window; more get 429 without a database lookup. */
  AUTH_FAILURES_MAX: integer(20, 1, 1_000_000),
  /** Redis key prefix of the BullMQ queues; separate deployments (or test files) on one Redis use different ones. */
  QUEUE_PREFIX: z.string().regex(/^[\w.-]+$/).default('descent'),
  /**
   * How long the API and the workers wait for PostgreSQL's answer to one statement (see
   * src/db/bounded-pool.ts): a server that stops answering on an open connection (a frozen host,
   * a partition) then gives 503 `database_unavailable` and a worker's wait for the database,
   * instead of a wait until TCP gives up. Generous, as every statement is bounded by it, a large
   * run's deletion, a table's ANALYZE and a retention pass's chunk too. Migrations and metrics
   * exports are not bounded.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: integer(60_000, 100, 3_600_000),
  /** How long readiness checks wait for PostgreSQL or Redis before calling it down. */
  READINESS_TIMEOUT_MS: integer(2_000, 50, 60_000),
  /** Days a finished run keeps its raw steps (all but the last; rollups are kept); 0 keeps them forever. */
  METRICS_RETENTION_DAYS: integer(0, 0, 36_500),
  /**
   * Bytes a worker may hold for one run (parameters, gradient, optimizer state, replicas, the
   * checkpoint being written, the objective's data and scratch; src/core/training/memory-footprint.ts).
   * A run that needs more is refused at submission with 422 `run_too_large`. A worker process needs
   * about WORKER_CONCURRENCY times this.
   */
  WORKER_MAX_RUN_BYTES: integer(1_073_741_824, 1_048_576, 1_099_511_627_776),
  /** A tenant's queued and running runs, at most: a submission beyond gets 429 `quota_exceeded`. */
  TENANT_MAX_ACTIVE_RUNS: integer(1_000, 1, 10_000_000),
  /**
   * A tenant's runs that workers run at once, at most: its other queued runs wait in the queue,
   * without holding a worker, until one of these ends (src/worker/tenant-admission.ts).
   */
  TENANT_MAX_RUNNING_RUNS: integer(100, 1, 1_000_000),
  /**
   * A tenant's metric rows, at most: those stored plus, for each queued or running run, the rows
   * it may still record (its updates / record.every). A submission beyond gets 403
   * `storage_quota_exceeded`; a run that reaches it anyway (a sweep's trial) ends with stop reason `quota`.
   */
  TENANT_MAX_METRIC_ROWS: integer(1_000_000_000, 1, Number.MAX_SAFE_INTEGER),
  /** Bytes of a tenant's stored datasets, at most: an upload beyond is refused, mid-stream, with 403 `storage_quota_exceeded`. */
  TENANT_MAX_DATASET_BYTES: integer(10_737_418_240, 1_024, Number.MAX_SAFE_INTEGER),
  /**
   * A tenant's metrics exports (GET …/metrics streaming a whole range) and dataset uploads in
   * progress at once on one API process, at most: one more gets 429 `too_many_concurrent`, so that
   * one tenant's slow readers or trickling uploads cannot hold every connection these share.
   * Counted per API process, not across them.
   */
  TENANT_MAX_CONCURRENT_EXPORTS: integer(2, 1, 10_000),
  TENANT_MAX_CONCURRENT_UPLOADS: integer(2, 1, 10_000),
  /**
   * A tenant's deletions (of runs, stored objectives and datasets) in progress at once on one API
   * process, at most: one more gets 429 `too_many_concurrent`. A run's deletion removes every
   * step it recorded in one statement (10⁸ rows take minutes), so that one tenant deleting its
   * large runs back to back leaves PostgreSQL and the connections deletions share to the others.
   * Counted per API process, not across them.
   */
  TENANT_MAX_CONCURRENT_DELETIONS: integer(1, 1, 10_000),
  /** How often the runs and sweeps in the database are reconciled with the jobs in the queue (src/worker/reconciler.ts, sweep-reconciler.ts). */
  RECONCILE_INTERVAL_MS: integer(60_000, 500, 86_400_000),
  /**
   * How often a worker analyzes the hot tables whose rows changed beyond autovacuum's analyze
   * threshold (src/db/table-statistics.ts); 0: never. Where autovacuum runs, it finds nothing to do.
   */
  TABLE_STATISTICS_INTERVAL_MS: integer(60_000, 0, 86_400_000),
  /** Port on which `descent worker` serves its Prometheus metrics at /metrics (on HOST); 0: not served. */
  WORKER_METRICS_PORT: integer(0, 0, 65_535),
  /** After SIGTERM, how long a process may take to stop cleanly before it exits anyway. */
  SHUTDOWN_GRACE_MS: integer(30_000, 100, 3_600_000),
});

export interface Config {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  readonly workerConcurrency: number;
  readonly replicaConcurrency: number;
  /** How long a concurrent parameter-server run waits for a worker to take each replica's job before it fails. */
  readonly replicaStartTimeoutMs: number;
  /** How long it waits for a begun replica whose worker holds its job while its loop shows no sign of progress before it fails. */
  readonly replicaStallTimeoutMs: number;
  readonly workerLocks: { readonly lockDurationMs: number; readonly stalledIntervalMs: number; readonly maxStalledCount: number };
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly datasetLimits: { readonly maxBytes: number; readonly maxRows: number; readonly maxColumns: number };
  readonly rateLimit: { readonly max: number; readonly windowSeconds: number };
  readonly authFailuresMax: number;
  readonly queuePrefix: string;
  /** The longest wait for PostgreSQL's answer to one statement (not in migrations or exports). */
  readonly databaseStatementTimeoutMs: number;
  readonly readinessTimeoutMs: number;
  /** 0: keep finished runs' steps forever. */
  readonly metricsRetentionDays: number;
  readonly reconcileIntervalMs: number;
  /** 0: the workers never analyze the tables themselves. */
  readonly tableStatisticsIntervalMs: number;
  /** 0: the worker serves no metrics of its own (`descent start` shows them at the API's /metrics). */
  readonly workerMetricsPort: number;
  readonly tenantQuotas: TenantQuotas;
  /** Bytes a worker may hold for one run; larger runs are refused at submission. */
  readonly workerMaxRunBytes: number;
  /** After SIGTERM (or an unhandled error), the process exits within this many milliseconds. */
  readonly shutdownGraceMs: number;
}

/** What one tenant may have at most (see the TENANT_MAX_* settings). */
export interface TenantQuotas {
  readonly maxActiveRuns: number;
  readonly maxRunningRuns: number;
  readonly maxMetricRows: number;
  readonly maxDatasetBytes: number;
  /** Metrics exports and dataset uploads in progress at once per API process. */
  readonly maxConcurrentExports: number;
  readonly maxConcurrentUploads: number;
  /** Deletions of runs, stored objectives and datasets in progress at once per API process. */
  readonly maxConcurrentDeletions: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses settings from `env` (the process environment by default); throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}=${JSON.stringify(present[name] ?? '')}: ${issue.code === 'invalid_type' ? 'not a number' : issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const settings = parsed.data;
  return {
    databaseUrl: settings.DATABASE_URL,
    redisUrl: settings.REDIS_URL,
    host: settings.HOST,
    port: settings.PORT,
    logLevel: settings.LOG_LEVEL,
    workerConcurrency: settings.WORKER_CONCURRENCY,
    replicaConcurrency: settings.REPLICA_CONCURRENCY,
    replicaStartTimeoutMs: settings.REPLICA_START_TIMEOUT_MS,
    replicaStallTimeoutMs: settings.REPLICA_STALL_TIMEOUT_MS,
    workerLocks: {
      lockDurationMs: settings.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: settings.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: settings.WORKER_MAX_STALLED_COUNT,
    },
    bodyLimitBytes: settings.BODY_LIMIT_BYTES,
    requestTimeoutMs: settings.REQUEST_TIMEOUT_MS,
    datasetLimits: { maxBytes: settings.DATASET_MAX_BYTES, maxRows: settings.DATASET_MAX_ROWS, maxColumns: settings.DATASET_MAX_COLUMNS },
    rateLimit: { max: settings.RATE_LIMIT_MAX, windowSeconds: settings.RATE_LIMIT_WINDOW_SECONDS },
    authFailuresMax: settings.AUTH_FAILURES_MAX,
    queuePrefix: settings.QUEUE_PREFIX,
    databaseStatementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    readinessTimeoutMs: settings.READINESS_TIMEOUT_MS,
    metricsRetentionDays: settings.METRICS_RETENTION_DAYS,
    reconcileIntervalMs: settings.RECONCILE_INTERVAL_MS,
    tableStatisticsIntervalMs: settings.TABLE_STATISTICS_INTERVAL_MS,
    workerMetricsPort: settings.WORKER_METRICS_PORT,
    tenantQuotas: {
      maxActiveRuns: settings.TENANT_MAX_ACTIVE_RUNS,
      maxRunningRuns: settings.TENANT_MAX_RUNNING_RUNS,
      maxMetricRows: settings.TENANT_MAX_METRIC_ROWS,
      maxDatasetBytes: settings.TENANT_MAX_DATASET_BYTES,
      maxConcurrentExports: settings.TENANT_MAX_CONCURRENT_EXPORTS,
      maxConcurrentUploads: settings.TENANT_MAX_CONCURRENT_UPLOADS,
      maxConcurrentDeletions: settings.TENANT_MAX_CONCURRENT_DELETIONS,
    },
    workerMaxRunBytes: settings.WORKER_MAX_RUN_BYTES,
    shutdownGraceMs: settings.SHUTDOWN_GRACE_MS,
  };
}

/** `host:port/database` of a PostgreSQL URL, for messages (never the password). */
export function describePostgres(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** `host:port` of a Redis URL, for messages (never the password). */
export function describeRedis(redisUrl: string): string {
  const url = new URL(redisUrl);
  return `${url.hostname}:${url.port || 6379}`;
}
