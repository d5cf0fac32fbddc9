/**
 * A tenant's metric rows against its quota (TENANT_MAX_METRIC_ROWS): the rows its finished runs
 * have stored, plus, for each queued or running run, the rows it has stored or may still store,
 * whichever is more: its spec bounds them (maxSteps / record.every, see recordsAtMost). Counting
 * the bound of unfinished runs reserves their rows, so runs accepted together cannot outgrow the
 * quota between them.
 */
import { recordSettingsSchema, recordsAtMost, stepBudget, trainingSettingsSchema } from '../core/training/index.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';

const useStatement = {
  name: 'metric-rows-use',
  text: `
  WITH per_run AS (
    SELECT r.id, r.status IN ${activeStatusesSql} AS unfinished, r.spec,
           (SELECT count(*) FROM run_metrics m WHERE m.run_id = r.id) AS stored
      FROM runs r WHERE r.tenant_id = $1::uuid
  )
  SELECT coalesce(sum(stored) FILTER (WHERE NOT unfinished), 0)::float8 AS finished,
         coalesce(json_agg(json_build_object('id', id, 'stored', stored, 'training', spec->'training', 'record', spec->'record'))
           FILTER (WHERE unfinished), '[]') AS unfinished
    FROM per_run`,
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

export function createMetricRowsUse(pool: Pool) {
  return {
    /** The tenant's use; `runId` names an unfinished run whose share is also given apart. */
    async of(tenantId: string, runId?: string): Promise<MetricRowsUse> {
      const { rows: [row] } = await pool.query<{ finished: number; unfinished: UnfinishedRun[] }>({ ...useStatement, values: [tenantId] });
      let total = row!.finished;
      let run: MetricRowsUse['run'] = null;
      for (const unfinished of row!.unfinished) {
        const reserved = Math.max(unfinished.stored, metricRowsBound(unfinished) ?? 0);
        total += reserved;
        if (unfinished.id === runId) run = { stored: unfinished.stored, reserved };
      }
      return { total, run };
    },
  };
}

export type MetricRowsUseReader = ReturnType<typeof createMetricRowsUse>;
