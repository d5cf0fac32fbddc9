/**
 * Reading a run's recorded steps: pages of rows, and downsampled buckets for long runs.
 *
 * Downsampling never loads a whole run: it picks the coarsest rollup level whose buckets still
 * give at least `maxPoints` groups over the range (src/db/metric-rollups.ts), merges those
 * buckets into at most `maxPoints` groups in SQL, and reads raw rows only for the partial
 * buckets at the two ends of the range. A query thus touches at most about 16·maxPoints
 * summary rows plus 2·16^level raw rows, whatever the run's length.
 */
import type { Database } from './client.ts';
import { bucketWidth, rolledUpFields, rollupLevels } from './metric-rollups.ts';

export const metricFields = ['loss', 'valLoss', 'gradNorm', 'learningRate', 'updateNorm', 'epoch', 'elapsedSeconds', 'params'] as const;
export type MetricField = (typeof metricFields)[number];

const columnOf: Record<MetricField, string> = {
  loss: 'loss',
  valLoss: 'val_loss',
  gradNorm: 'grad_norm',
  learningRate: 'learning_rate',
  updateNorm: 'update_norm',
  epoch: 'epoch',
  elapsedSeconds: 'elapsed_seconds',
  params: 'params',
};

/** One recorded step; non-finite values (a diverged step) come back as null. */
export type MetricRow = { step: number } & Partial<Record<Exclude<MetricField, 'params'>, number | null>> & { params?: (number | null)[] | null };

/** One downsampled group: the mean of each field over its recorded steps, with min and max. */
export interface MetricBucket {
  step: number;
  stepEnd: number;
  count: number;
  epoch: number | null;
  elapsedSeconds: number | null;
  [field: string]: number | null;
}

export interface RowQuery {
  readonly fields: readonly MetricField[];
  readonly from: number;
  readonly to: number;
  /** Return steps strictly after this one (cursor pagination). */
  readonly afterStep: number;
  readonly limit: number;
}

export interface DownsampleQuery {
  readonly fields: readonly MetricField[];
  readonly from: number;
  readonly to: number;
  readonly maxPoints: number;
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'bigint' ? Number(value) : null;

export function createMetricsQuery(database: Database) {
  return {
    /** The last recorded step (0 when none): changes exactly when new rows land. */
    async lastStep(runId: string): Promise<number> {
      const rows = await database.$queryRawUnsafe<{ step: number | null }[]>(
        'SELECT max(step) AS step FROM run_metrics WHERE run_id = $1::uuid', runId);
      return rows[0]?.step ?? 0;
    },

    /** Counts rows in [from, to], stopping at `cap` (so the answer costs at most `cap` index entries). */
    async countUpTo(runId: string, from: number, to: number, cap: number): Promise<number> {
      const rows = await database.$queryRawUnsafe<{ n: bigint | number }[]>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM run_metrics WHERE run_id = $1::uuid AND step BETWEEN $2 AND $3 LIMIT $4) t`,
        runId, from, to, cap);
      return Number(rows[0]?.n ?? 0);
    },

    async rows(runId: string, query: RowQuery): Promise<MetricRow[]> {
      const columns = query.fields.map((field) => `${columnOf[field]} AS "${field}"`);
      const rows = await database.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT step${columns.length ? ', ' + columns.join(', ') : ''} FROM run_metrics
          WHERE run_id = $1::uuid AND step BETWEEN $2 AND $3 AND step > $4
          ORDER BY step LIMIT $5`,
        runId, query.from, query.to, query.afterStep, query.limit);
      return rows.map((row) => {
        const out: MetricRow = { step: Number(row.step) };
        for (const field of query.fields) {
          if (field === 'params') {
            const params = row.params as number[] | null;
            out.params = params && params.length ? params.map(finite) : null;
          } else {
            out[field] = finite(row[field]);
          }
        }
        return out;
      });
    },

    async downsample(runId: string, query: DownsampleQuery): Promise<{ bucketSize: number; buckets: MetricBucket[] }> {
      const plan = planDownsampling(query.from, query.to, query.maxPoints);
      const groupWidth = plan.groupWidth;
      const rawField = (column: string) =>
        `CASE WHEN ${column} IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN NULL ELSE ${column} END`;
      const rawAggregates = rolledUpFields.flatMap(([, column]) => [
        `(${rawField(column)} IS NOT NULL)::int AS ${column}_count`,
        `COALESCE(${rawField(column)}, 0) AS ${column}_sum`,
        `${rawField(column)} AS ${column}_min`,
        `${rawField(column)} AS ${column}_max`,
      ]);
      const rollupColumns = rolledUpFields.flatMap(([, c]) => [`${c}_count`, `${c}_sum`, `${c}_min`, `${c}_max`]);
      const merged = rolledUpFields.flatMap(([, c]) => [
        `sum(${c}_count)::int AS ${c}_count`, `sum(${c}_sum) AS ${c}_sum`, `min(${c}_min) AS ${c}_min`, `max(${c}_max) AS ${c}_max`,
      ]);
      const parts: string[] = [];
      if (plan.level > 0 && plan.firstBucket <= plan.lastBucket) {
        parts.push(`SELECT count AS n, step_first, step_last, epoch_last, elapsed_last, ${rollupColumns.join(', ')}
          FROM metric_rollups WHERE run_id = $1::uuid AND level = $2 AND bucket BETWEEN $3 AND $4`);
      }
      parts.push(`SELECT 1 AS n, step AS step_first, step AS step_last, epoch AS epoch_last, elapsed_seconds AS elapsed_last, ${rawAggregates.join(', ')}
        FROM run_metrics WHERE run_id = $1::uuid AND (step BETWEEN $5 AND $6 OR step BETWEEN $7 AND $8)`);
      const sql = `
        SELECT floor((step_first - 1)::float8 / ${groupWidth})::bigint AS g,
               sum(n)::int AS count, min(step_first) AS step, max(step_last) AS step_end,
               (array_agg(epoch_last ORDER BY step_last DESC) FILTER (WHERE epoch_last IS NOT NULL))[1] AS epoch,
               (array_agg(elapsed_last ORDER BY step_last DESC) FILTER (WHERE elapsed_last IS NOT NULL))[1] AS elapsed,
               ${merged.join(', ')}
          FROM (${parts.join(' UNION ALL ')}) u
         GROUP BY g ORDER BY g`;
      const rows = await database.$queryRawUnsafe<Record<string, unknown>[]>(
        sql, runId, plan.level, plan.firstBucket, plan.lastBucket,
        plan.rawRanges[0][0], plan.rawRanges[0][1], plan.rawRanges[1][0], plan.rawRanges[1][1]);
      const wanted = new Set<string>(query.fields);
      const buckets = rows.map((row) => {
        const bucket: MetricBucket = {
          step: Number(row.step), stepEnd: Number(row.step_end), count: Number(row.count),
          epoch: wanted.has('epoch') ? finite(row.epoch) : null,
          elapsedSeconds: wanted.has('elapsedSeconds') ? finite(row.elapsed) : null,
        };
        for (const [field, column] of rolledUpFields) {
          if (!wanted.has(field)) continue;
          const count = Number(row[`${column}_count`] ?? 0);
          bucket[field] = count ? finite(row[`${column}_sum`])! / count : null;
          bucket[`${field}Min`] = finite(row[`${column}_min`]);
          bucket[`${field}Max`] = finite(row[`${column}_max`]);
        }
        return bucket;
      });
      return { bucketSize: groupWidth, buckets };
    },
  };
}

export type MetricsQuery = ReturnType<typeof createMetricsQuery>;

export interface DownsamplingPlan {
  /** Rollup level read (0: raw rows only). */
  level: number;
  /** Steps per output group: a multiple of the level's bucket width. */
  groupWidth: number;
  /** Level buckets wholly inside the range. */
  firstBucket: number;
  lastBucket: number;
  /** Step ranges read from raw rows: the partial buckets at each end (empty ranges have from > to). */
  rawRanges: [[number, number], [number, number]];
}

/**
 * Chooses the rollup level and group width for at most `maxPoints` groups over the steps
 * [from, to]. Groups are aligned to multiples of the group width, so one extra group may
 * straddle each end: the width is computed for `maxPoints − 1` groups to stay within bounds.
 */
export function planDownsampling(from: number, to: number, maxPoints: number): DownsamplingPlan {
  const span = to - from + 1;
  const minimumWidth = Math.max(1, Math.ceil(span / Math.max(1, maxPoints - 1)));
  let level = 0;
  for (const candidate of rollupLevels) if (bucketWidth(candidate) <= minimumWidth) level = candidate;
  const width = level ? bucketWidth(level) : 1;
  const groupWidth = width * Math.ceil(minimumWidth / width);
  if (level === 0) {
    return { level, groupWidth, firstBucket: 1, lastBucket: 0, rawRanges: [[from, to], [1, 0]] };
  }
  // Bucket b covers steps b·w + 1 … (b + 1)·w.
  const firstBucket = Math.ceil((from - 1) / width);
  const lastBucket = Math.floor(to / width) - 1;
  if (firstBucket > lastBucket) {
    return { level, groupWidth, firstBucket, lastBucket, rawRanges: [[from, to], [1, 0]] };
  }
  return {
    level, groupWidth, firstBucket, lastBucket,
    rawRanges: [[from, firstBucket * width], [(lastBucket + 1) * width + 1, to]],
  };
}

