/** What the API is built from: external connections (given) and the repositories and services over them. */
import type { Config } from '../config/config.ts';
import { createApiKeyAuthenticator } from '../db/api-keys.ts';
import { createDatasetRepository } from '../db/datasets.ts';
import type { Database } from '../db/client.ts';
import { createMetricsExport } from '../db/metrics-export.ts';
import { createMetricsQuery } from '../db/metrics-query.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { createObjectiveRepository } from '../db/objectives.ts';
import { createResourceDeletion, type ResourceDeletion } from '../db/resource-deletion.ts';
import { createRunRepository } from '../db/runs.ts';
import { createTenantRepository } from '../db/tenants.ts';
import type { Redis } from '../queue/connection.ts';
import { createRunEnqueuer, type RunsQueue } from '../queue/runs-queue.ts';
import { createEventHub, type EventHub } from '../queue/event-hub.ts';
import { createSharedPages } from '../queue/shared-pages.ts';
import { createDatasetService } from './routes/datasets/dataset-service.ts';
import { createObjectiveService } from './routes/objectives/objective-service.ts';
import { createObjectiveThread } from './objective-thread/objective-thread.ts';
import { createRunService } from './routes/runs/run-service.ts';
import { createStrandedRuns } from '../db/stranded-runs.ts';
import { createTenantBacklog } from '../db/tenant-backlog.ts';
import { createDatasetUploads } from '../db/dataset-uploads.ts';
import { createDatasetPages } from '../db/dataset-pages.ts';
import { createSweepRepository } from '../db/sweeps.ts';
import { createSweepsQueue } from '../queue/sweeps-queue.ts';
import { createSweepService } from './routes/sweeps/sweep-service.ts';
import { TenantSlots } from './tenant-slots.ts';

/**
 * Deletions that each hold one of their tenant's slots while they run (TENANT_MAX_CONCURRENT_DELETIONS):
 * a run's deletion removes its steps in one statement, minutes for a run of 10⁸, so a tenant
 * deleting its large runs back to back has at most that many of them in PostgreSQL at once and
 * never holds every connection deletions share; one more is 429 `too_many_concurrent`.
 */
function tenantBoundDeletion(deletion: ResourceDeletion, slots: TenantSlots): ResourceDeletion {
  return {
    deleteRun: (tenantId, id) => slots.holding(tenantId, () => deletion.deleteRun(tenantId, id)),
    deleteObjective: (tenantId, id) => slots.holding(tenantId, () => deletion.deleteObjective(tenantId, id)),
    deleteDataset: (tenantId, id) => slots.holding(tenantId, () => deletion.deleteDataset(tenantId, id)),
  };
}

export interface AppDependencies {
  readonly config: Config;
  readonly database: Database;
  /** A `client`-role connection (fails fast while Redis is down). */
  readonly redis: Redis;
  readonly runsQueue: RunsQueue;
  /** node-postgres pool for bulk reads and the hot single statements; by default one of the app's own, closed with it. */
  readonly pool?: Pool;
  /** Live run and sweep events; by default one subscriber connection of the app's own, closed with it. */
  readonly events?: EventHub;
}

/**
 * Uploads streaming to the database at once per API process. More wait for a connection (their
 * bodies held back by TCP meanwhile) for up to `uploadWaitMs`, then get 503 `service_busy`. A
 * tenant has at most TENANT_MAX_CONCURRENT_UPLOADS of them in progress (429 beyond), so one
 * tenant's slow uploads leave the others connections.
 */
const uploadConnections = 8;
const uploadWaitMs = 120_000;

/**
 * Pages of metrics exports being read and run deletions at once per API process; more wait up to
 * 5 s for a connection, then get 503 `service_busy`. An export holds a connection only while it
 * reads a page, never while its client reads (src/db/metrics-export.ts), and a tenant has at most
 * TENANT_MAX_CONCURRENT_EXPORTS exports and TENANT_MAX_CONCURRENT_DELETIONS deletions in progress
 * (429 beyond).
 */
const longStatementConnections = 4;

export function createAppContext(dependencies: AppDependencies) {
  const { databaseUrl, queuePrefix, databaseStatementTimeoutMs: statementTimeoutMs } = dependencies.config;
  const pool = dependencies.pool ?? createPool(databaseUrl, 4, queuePrefix, { statementTimeoutMs });
  const events = dependencies.events ?? createEventHub(dependencies.config.redisUrl);
  /**
   * Uploads hold a connection while their body arrives: a pool of their own keeps them from
   * starving other requests. Their transactions wait idle for the body's next block as long as it takes.
   */
  const uploadsPool = createPool(databaseUrl, uploadConnections, queuePrefix, { connectionTimeoutMs: uploadWaitMs, statementTimeoutMs, longIdleTransactions: true });
  /**
   * A long run's deletion is one statement over all its rows, and an export's page may be large:
   * both may outlast any statement's bound. A pool of their own, unbounded, keeps them from
   * starving other requests.
   */
  const longStatementsPool = createPool(databaseUrl, longStatementConnections, queuePrefix);
  const { maxConcurrentExports, maxConcurrentUploads, maxConcurrentDeletions } = dependencies.config.tenantQuotas;
  /** Each tenant's share of the exports, uploads and deletions in progress in this process. */
  const tenantSlots = {
    exports: new TenantSlots(maxConcurrentExports, { setting: 'TENANT_MAX_CONCURRENT_EXPORTS', counts: 'metrics exports' }),
    uploads: new TenantSlots(maxConcurrentUploads, { setting: 'TENANT_MAX_CONCURRENT_UPLOADS', counts: 'dataset uploads' }),
    deletions: new TenantSlots(maxConcurrentDeletions, { setting: 'TENANT_MAX_CONCURRENT_DELETIONS', counts: 'deletions' }),
  };
  const sweepsQueue = createSweepsQueue(dependencies.redis, dependencies.config.queuePrefix);
  const objectiveThread = createObjectiveThread();
  /** Closes what the context opened itself (not what it was given). */
  const close = async () => {
    await sweepsQueue.close().catch(() => undefined);
    await objectiveThread.close();
    if (!dependencies.events) await events.close();
    if (!dependencies.pool) await pool.end();
    await uploadsPool.end();
    await longStatementsPool.end();
  };
  const repositories = {
    tenants: createTenantRepository(dependencies.database),
    /** The API only checks keys; the CLI creates, lists and revokes them. */
    apiKeys: createApiKeyAuthenticator(pool),
    runs: createRunRepository(dependencies.database, pool),
    datasets: createDatasetRepository(dependencies.database, pool),
    metrics: createMetricsQuery(pool),
    metricsExport: createMetricsExport(longStatementsPool),
    objectives: createObjectiveRepository(dependencies.database, { statementTimeoutMs }),
    deletion: tenantBoundDeletion(createResourceDeletion(dependencies.database, longStatementsPool), tenantSlots.deletions),
    sweeps: createSweepRepository(pool),
    strandedRuns: createStrandedRuns(pool),
    tenantBacklog: createTenantBacklog(pool),
  };
  const objectives = createObjectiveService({ objectives: repositories.objectives, datasets: repositories.datasets, deletion: repositories.deletion, thread: objectiveThread });
  const services = {
    runs: createRunService({
      runs: repositories.runs,
      runsQueue: dependencies.runsQueue,
      runEnqueuer: createRunEnqueuer(dependencies.runsQueue, repositories.tenantBacklog.ranks),
      objectives,
      redis: dependencies.redis,
      queuePrefix: dependencies.config.queuePrefix,
      deletion: repositories.deletion,
      strandedRuns: repositories.strandedRuns,
      sweepsQueue,
      quotas: dependencies.config.tenantQuotas,
      maxRunBytes: dependencies.config.workerMaxRunBytes,
    }),
    objectives,
    sweeps: createSweepService({
      sweeps: repositories.sweeps,
      sweepsQueue,
      objectives,
      redis: dependencies.redis,
      queuePrefix: dependencies.config.queuePrefix,
      runsQueue: dependencies.runsQueue,
      strandedRuns: repositories.strandedRuns,
    }),
    datasets: createDatasetService({
      datasets: repositories.datasets,
      pages: createDatasetPages(pool),
      uploads: createDatasetUploads(uploadsPool),
      limits: dependencies.config.datasetLimits,
      maxTenantBytes: dependencies.config.tenantQuotas.maxDatasetBytes,
      deletion: repositories.deletion,
      thread: objectiveThread,
    }),
  };
  /** Pages (downsampled metrics) computed once for all API processes. */
  const sharedPages = createSharedPages(dependencies.redis, { namespace: dependencies.config.queuePrefix });
  return { dependencies, repositories, services, events, sharedPages, tenantSlots, close };
}

export type AppContext = ReturnType<typeof createAppContext>;
