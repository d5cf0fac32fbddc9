/**
 * A tenant's metric rows against its quota (TENANT_MAX_METRIC_ROWS): the rows its finished runs
 * have stored, plus, for each queued or running run, the rows it has stored or may still store,
 * whichever is more: its spec bounds them (maxSteps / record.every, see recordsAtMost). Counting
 * the bound of unfinished runs reserves their rows, so runs accepted together cannot outgrow the
 * quota between them.
 *
 * A run's stored rows are its `metric_rows`, which the statements that store and delete them
 * keep (src/db/metrics-writer.ts, metrics-retention.ts), so a count reads run rows only.
 *
 * Submissions made while a count is in flight share the next one (see Coalescer): it starts
 * after each of them was stored, so it counts them all, and it reads each tenant once.
 */
import { recordSettingsSchema, recordsAtMost, stepBudget, trainingSettingsSchema } from '../core/training/index.ts';
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { statementBatchLimits } from './statement-batches.ts';

/** Each tenant's rows stored by finished runs, and its unfinished runs with what they stored and their specs' bounds. */
const useStatement = {
  name: 'metric-rows-use',
  text: `
  WITH per_run AS (
    SELECT r.tenant_id, r.id, r.status IN ${activeStatusesSql} AS unfinished, r.spec, r.metric_rows AS stored
      FROM runs r WHERE r.tenant_id = ANY($1::uuid[])
  )
  SELECT tenant_id AS "tenantId", coalesce(sum(stored) FILTER (WHERE NOT unfinished), 0)::float8 AS finished,
         coalesce(json_agg(json_build_object('id', id, 'stored', stored, 'training', spec->'training', 'record', spec->'record'))
           FILTER (WHERE unfinished), '[]') AS unfinished
    FROM per_run GROUP BY tenant_id`,
};

interface UnfinishedRun {
  readonly id: string;
  readonly stored: number;
  readonly training: unknown;
  readonly record: unknown;
}

/** Rows a run's spec lets it record, at most; null when its spec does not say (it is then counted by what it stored). */
export function metricRowsBound(spec: { readonly training?: unknown; readonly record?: unknown }): number | null {
  const training = trainingSettingsSchema.safeParse(spec.training ?? {});
  const record = recordSettingsSchema.safeParse(spec.record ?? {});
  return training.success && record.success ? recordsAtMost(record.data, stepBudget(training.data)) : null;
}

export interface MetricRowsUse {
  /** Rows counted against the quota: stored, or reserved by unfinished runs. */
  readonly total: number;
  /** The rows `runId` has stored and the most it may store (its reservation), when it is unfinished. */
  readonly run: { readonly stored: number; readonly reserved: number } | null;
}

interface TenantRows {
  readonly finished: number;
  readonly unfinished: readonly UnfinishedRun[];
}

/** Bounds remembered per run (a run's spec never changes), at most this many before they are forgotten. */
const rememberedBounds = 100_000;

export function createMetricRowsUse(pool: Pool) {
  const bounds = new Map<string, number | null>();
  const boundOf = (run: UnfinishedRun): number | null => {
    let bound = bounds.get(run.id);
    if (bound === undefined) {
      if (bounds.size >= rememberedBounds) bounds.clear();
      bound = metricRowsBound(run);
      bounds.set(run.id, bound);
    }
    return bound;
  };

  // Concurrent submissions share one statement, which reads each of their tenants once.
  const tenants = new Coalescer<string, TenantRows>(async (tenantIds) => {
    const { rows } = await pool.query<{ tenantId: string } & TenantRows>({ ...useStatement, values: [[...new Set(tenantIds)]] });
    const byTenant = new Map(rows.map((row) => [row.tenantId, row]));
    return tenantIds.map((id) => ({ value: byTenant.get(id) ?? { finished: 0, unfinished: [] } }));
  }, statementBatchLimits);

  return {
    /** The tenant's use, read after the call was made; `runId` names an unfinished run whose share is also given apart. */
    async of(tenantId: string, runId?: string): Promise<MetricRowsUse> {
      const rows = await tenants.submit(tenantId);
      let total = rows.finished;
      let run: MetricRowsUse['run'] = null;
      for (const unfinished of rows.unfinished) {
        const reserved = Math.max(unfinished.stored, boundOf(unfinished) ?? 0);
        total += reserved;
        if (unfinished.id === runId) run = { stored: unfinished.stored, reserved };
      }
      return { total, run };
    },
  };
}

export type MetricRowsUseReader = ReturnType<typeof createMetricRowsUse>;
