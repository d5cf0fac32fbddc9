/**
 * A tenant's metric rows against its quota (TENANT_MAX_METRIC_ROWS): the rows its finished runs
 * have stored, plus, for each queued or running run, the rows it has stored or may still store,
 * whichever is more: its spec bounds them (maxSteps / record.every, see recordsAtMost). Counting
 * the bound of unfinished runs reserves their rows, so runs accepted together cannot outgrow the
 * quota between them.
 *
 * A run's stored rows are its `metric_rows`, which the statements that store and delete them
 * keep (src/db/metrics-writer.ts, metrics-retention.ts), and its bound is `metric_rows_bound`,
 * which PostgreSQL computes from its spec as it is stored, or the API from its data when lower
 * (metricRowsBound, migration 20261206130000), and for a sweep's trial the coordinator from its
 * base's data (see planRound): a count sums run rows only, and of
 * finished runs only their per-tenant sum, which a trigger keeps as runs end, lose rows to
 * retention or are deleted.
 *
 * Calls made while a count is in flight share the next one (see Coalescer), which reads each of
 * their tenants once. A submission counts the same in the statement that stores it (src/db/runs.ts).
 */
import { parallelSettingsSchema } from '../core/parallel/index.ts';
import { recordSettingsSchema, recordsAtMost, stepBudget, ticksPerEpoch, totalTicks, trainingSettingsSchema } from '../core/training/index.ts';
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql, metricRowsUseSql, reservedRowsSql } from './runs.ts';
import { statementBatchLimits } from './statement-batches.ts';

/**
 * Each asked tenant's use, and each asked unfinished run's stored rows and reservation. A run's
 * bound is the column `metric_rows_bound` (metricRowsBound of its spec, computed by a trigger
 * as the run is stored), so the use is the tenant's finished rows (kept per tenant by
 * a trigger) plus one sum over its unfinished runs (see metricRowsUseSql).
 */
const useStatement = {
  name: 'metric-rows-use',
  text: `
  WITH totals AS MATERIALIZED (SELECT t.tenant_id, ${metricRowsUseSql('t.tenant_id')} AS total FROM unnest($1::uuid[]) AS t(tenant_id))
  SELECT t.tenant_id AS "tenantId", t.total, r.id AS "runId", r.metric_rows AS stored, ${reservedRowsSql('r')}::float8 AS reserved
    FROM totals t LEFT JOIN runs r ON r.tenant_id = t.tenant_id AND r.id = ANY($2::uuid[]) AND r.status IN ${activeStatusesSql}`,
};

/** A spec's parallel settings, when it has any (made once: a schema costs more to make than to use). */
const optionalParallelSettings = parallelSettingsSchema.optional();

/**
 * Rows a run may record, at most; null when its spec does not say (it is then counted by what it
 * stored). From the spec alone, a run that `training.epochs` ends without maxSteps may make 10⁹
 * updates; given `trainingRows` (its objective's, as the API builds it: null for a function,
 * whose every full-batch step is an epoch), such a run counts its epochs' ticks (totalTicks):
 * a run's batches per epoch, a parallel run's p times the batches of replica 0's shard, as its
 * trainer counts them (ticksPerEpoch). Whatever ends a run, it records every `record.every`-th
 * tick and its last (a concurrent run, the first step count it sees at or past each multiple, and
 * its last), so at most recordsAtMost of its ticks.
 */
export function metricRowsBound(
  spec: { readonly training?: unknown; readonly record?: unknown; readonly parallel?: unknown },
  trainingRows?: number | null,
): number | null {
  const training = trainingSettingsSchema.safeParse(spec.training ?? {});
  const record = recordSettingsSchema.safeParse(spec.record ?? {});
  if (!training.success || !record.success) return null;
  // Without its data, or replicas it could not run with, a run counts its spec's bound (the trigger's).
  const parallel = optionalParallelSettings.safeParse(spec.parallel);
  const steps = trainingRows === undefined || !parallel.success
    ? stepBudget(training.data)
    : totalTicks({ training: training.data }, ticksPerEpoch(trainingRows, training.data.batchSize, parallel.data?.replicas));
  return recordsAtMost(record.data, steps);
}

export interface MetricRowsUse {
  /** Rows counted against the quota: stored, or reserved by unfinished runs. */
  readonly total: number;
  /** The rows `runId` has stored and the most it may store (its reservation), when it is unfinished. */
  readonly run: { readonly stored: number; readonly reserved: number } | null;
}

interface Asked {
  readonly tenantId: string;
  readonly runId: string | undefined;
}

export function createMetricRowsUse(pool: Pool) {
  // Concurrent calls share one statement, which reads each of their tenants once.
  const uses = new Coalescer<Asked, MetricRowsUse>(async (asked) => {
    const { rows } = await pool.query<{ tenantId: string; total: number; runId: string | null; stored: number | null; reserved: number | null }>({
      ...useStatement,
      values: [[...new Set(asked.map((call) => call.tenantId))], asked.flatMap((call) => (call.runId === undefined ? [] : [call.runId]))],
    });
    const totals = new Map(rows.map((row) => [row.tenantId, row.total]));
    const runs = new Map(rows.filter((row) => row.runId !== null).map((row) => [`${row.tenantId}/${row.runId}`, { stored: row.stored!, reserved: row.reserved! }]));
    return asked.map(({ tenantId, runId }) => ({ value: { total: totals.get(tenantId) ?? 0, run: runs.get(`${tenantId}/${runId}`) ?? null } }));
  }, statementBatchLimits);

  return {
    /** The tenant's use, read after the call was made; `runId` names an unfinished run whose share is also given apart. */
    of(tenantId: string, runId?: string): Promise<MetricRowsUse> {
      return uses.submit({ tenantId, runId });
    },
  };
}
