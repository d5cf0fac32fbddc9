/** `descent worker`: one worker process taking runs from the queue. */
import type { Config } from '../../config/config.ts';
import { createLogger } from '../../config/logger.ts';
import { createMetricsRetention } from '../../db/metrics-retention.ts';
import { createPool } from '../../db/pool.ts';
import { closeRedis, createRedis } from '../../queue/connection.ts';
import { createStrandedRuns } from '../../db/stranded-runs.ts';
import { createStrandedSweeps } from '../../db/stranded-sweeps.ts';
import { createTenantBacklog } from '../../db/tenant-backlog.ts';
import { startRetentionLoop } from '../../worker/metrics-retention-loop.ts';
import { createTableStatistics } from '../../db/table-statistics.ts';
import { startTableStatisticsLoop } from '../../worker/table-statistics-loop.ts';
import { createReconciler, startReconcilerLoop, strandedAfterMs } from '../../worker/reconciler.ts';
import { createRunProcessor } from '../../worker/processors/run.ts';
import { startWorker, type RunningWorker } from '../../worker/worker.ts';
import { createSweepsQueue } from '../../queue/sweeps-queue.ts';
import { createSweepProcessor } from '../../worker/processors/sweep.ts';
import { startSweepWorker } from '../../worker/sweep-worker.ts';
import { createSweepReconciler, defaultMaxFailedRounds, sweepStaleAfterMs } from '../../worker/sweep-reconciler.ts';
import { createReplicaProcessor } from '../../concurrent-runs/replica-processor.ts';
import { startReplicaWorker } from '../../worker/replica-worker.ts';
import type { Command } from '../main.ts';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../../observability/metrics-registry.ts';
import { serveMetrics } from '../../worker/metrics-server.ts';
import { createWorkerMetrics } from '../../worker/worker-metrics.ts';
import { runUntilSignal, type Services } from '../services.ts';

/**
 * Starts a worker over `services` (opened with the `worker` role) with the production processors,
 * a pg pool of its own for the metric writes, and a Redis connection of its own for the runs'
 * events and tenant admissions (a pipeline on BullMQ's connection copies every script BullMQ
 * defined on it, and BullMQ's pipelines would copy ours), both closed with it.
 */
export async function startRunWorker(config: Config, services: Services, registry: Registry = createMetricsRegistry()): Promise<RunningWorker> {
  const pool = createPool(config.databaseUrl, config.workerConcurrency + 1, config.queuePrefix, { statementTimeoutMs: config.databaseStatementTimeoutMs });
  const events = createRedis(config.redisUrl, 'wait-for-redis');
  const metrics = createWorkerMetrics(registry, { pool, redis: events });
  const sweepsQueue = createSweepsQueue(services.redis, config.queuePrefix);
  const logger = createLogger(config.logLevel);
  const stoppingSweeps = new AbortController();
  const sweeps = createSweepProcessor({ pool, redis: events, queuePrefix: config.queuePrefix, runsQueue: services.runsQueue, sweepsQueue });
  const sweepWorker = await startSweepWorker({
    stopping: stoppingSweeps.signal,
    config,
    connection: services.redis,
    processor: sweeps,
    logger,
  });
  const replicaWorker = await startReplicaWorker({
    config,
    connection: services.redis,
    commands: events,
    processor: createReplicaProcessor({ database: services.database, redis: events, queuePrefix: config.queuePrefix }),
    logger,
  });
  const release = async () => {
    stoppingSweeps.abort();
    await replicaWorker.close();
    await sweepWorker.close();
    await sweeps.close();
    await sweepsQueue.close();
    await pool.end();
    await closeRedis(events);
  };
  const running = await startWorker({
    config,
    connection: services.redis,
    commands: events,
    processors: {
      run: createRunProcessor({ database: services.database, pool, redis: events, queuePrefix: config.queuePrefix, sweepsQueue, sweeps, metrics, maxMetricRows: config.tenantQuotas.maxMetricRows, maxRunBytes: config.workerMaxRunBytes, replicaStartTimeoutMs: config.replicaStartTimeoutMs, replicaStallTimeoutMs: config.replicaStallTimeoutMs, logger }),
    },
    logger,
  }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  const stopRetention = config.metricsRetentionDays > 0
    ? startRetentionLoop({ retention: createMetricsRetention(pool), retentionDays: config.metricsRetentionDays, logger })
    : async () => undefined;
  const stopStatistics = config.tableStatisticsIntervalMs > 0
    ? startTableStatisticsLoop({ statistics: createTableStatistics(pool), intervalMs: config.tableStatisticsIntervalMs, logger })
    : async () => undefined;
  const reconciler = createReconciler({
    strandedRuns: createStrandedRuns(pool),
    runsQueue: services.runsQueue,
    sweepsQueue,
    priorities: createTenantBacklog(pool).ranks,
    redis: events,
    queuePrefix: config.queuePrefix,
    staleAfterMs: strandedAfterMs(config.workerLocks),
    intervalMs: config.reconcileIntervalMs,
    logger,
  });
  const stopReconciler = startReconcilerLoop(reconciler, config.reconcileIntervalMs, logger);
  const sweepReconciler = createSweepReconciler({
    strandedSweeps: createStrandedSweeps(pool),
    sweepsQueue,
    redis: events,
    queuePrefix: config.queuePrefix,
    runsQueue: services.runsQueue,
    strandedRuns: createStrandedRuns(pool),
    staleAfterMs: sweepStaleAfterMs,
    maxFailedRounds: defaultMaxFailedRounds,
    intervalMs: config.reconcileIntervalMs,
    logger,
  });
  const stopSweepReconciler = startReconcilerLoop(sweepReconciler, config.reconcileIntervalMs, logger, 'sweep reconciliation');
  let closing: Promise<void> | undefined;
  return {
    worker: running.worker,
    close() {
      closing ??= Promise.all([stopRetention(), stopStatistics(), stopReconciler(), stopSweepReconciler()]).then(() => running.close()).then(release);
      return closing;
    },
  };
}

/** `descent worker`: the worker, and its metrics at WORKER_METRICS_PORT when set. */
async function startWorkerProcess(config: Config, services: Services): Promise<RunningWorker> {
  const registry = createMetricsRegistry();
  const running = await startRunWorker(config, services, registry);
  if (config.workerMetricsPort === 0) return running;
  const server = await serveMetrics(registry, config.host, config.workerMetricsPort).catch(async (error: unknown) => {
    await running.close();
    throw error;
  });
  return { worker: running.worker, close: () => Promise.all([server.close(), running.close()]).then(() => undefined) };
}

export const command: Command = {
  summary: 'run one worker process',
  help: `Usage: descent worker

Takes runs from the queue and executes them, WORKER_CONCURRENCY at a time. Start as many
workers as you like, on any machine that reaches PostgreSQL and Redis. On SIGTERM or SIGINT it
stops taking jobs, stops the active runs after their current slice (their jobs go back to the
queue, to resume elsewhere from their checkpoints) and closes its connections, within
SHUTDOWN_GRACE_MS. Through an outage of PostgreSQL or Redis it keeps its jobs and waits.

Environment:
  DATABASE_URL, REDIS_URL, WORKER_CONCURRENCY (default 2), QUEUE_PREFIX, LOG_LEVEL,
  REPLICA_CONCURRENCY (default 8): replicas of concurrent parallel runs run at once,
  REPLICA_START_TIMEOUT_MS (default 600000): how long such a run waits for a replica that
  no worker begins or, once begun, resumes (none serves the queue, or one holds its job and
  shows no sign of starting it) before it fails,
  REPLICA_STALL_TIMEOUT_MS (default 600000): how long it waits for a begun replica whose
  job a worker holds while that worker shows no sign of running it before it fails,
  WORKER_LOCK_DURATION_MS (default 10000), WORKER_STALLED_INTERVAL_MS (default 5000),
  WORKER_MAX_STALLED_COUNT (default 3): how fast a dead worker's runs move on (see README),
  METRICS_RETENTION_DAYS (default 0, keep forever): days a finished run keeps its raw steps,
  RECONCILE_INTERVAL_MS (default 60000): how often runs are reconciled with the queue,
  TABLE_STATISTICS_INTERVAL_MS (default 60000, 0: never): how often the tables the service
    reads most are analyzed when autovacuum has not kept their statistics up to date,
  WORKER_METRICS_PORT (default 0, none): serve GET /metrics (Prometheus) on HOST:port,
  SHUTDOWN_GRACE_MS (default 30000)`,
  execute: () => runUntilSignal('worker', 'worker', startWorkerProcess, (running) => running.close()),
};
