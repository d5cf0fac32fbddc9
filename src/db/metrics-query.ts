/**
 * Reading a run's recorded steps: pages of rows, and downsampled buckets for long runs.
 *
 * Downsampling never loads a whole run: it picks a rollup level (src/db/metric-rollups.ts) whose
 * buckets give as many groups as the range allows, at most `maxPoints` (`planDownsampling`),
 * merges those buckets into the groups in SQL, and reads raw rows only for the partial
 * buckets at the two ends of the range. A query thus touches at most max(16,384, 64·maxPoints)
 * summary rows plus two partial buckets of raw rows, whatever the run's length.
 *
 * A range of at most `rawRangeSteps` steps is read from its raw rows instead (at most that
 * many): that is exact for every run, and the only way for a short run, which keeps no rollups.
 *
 * Counting the rows of a longer range (to decide whether to downsample at all) reads the pyramid too:
 * the range is cut into whole buckets of decreasing levels plus at most 30 raw steps at its
 * ends (less than one finest bucket of 16 on each side), so the answer never depends on the
 * planner's estimate of how many rows a run has (a freshly written run of a million steps
 * looks like a hundred rows to stale statistics, and a plain `count(*)` then builds a bitmap
 * of every row).
 *
 * Reads go through node-postgres: decoding a thousand wide rows through the Prisma adapter cost
 * more than the query itself.
 */
import { bucketWidth, groupMean, rawRangeSteps, rolledUpFields, rollupLevels, splitSumSql, wideSumSql } from './metric-rollups.ts';
import { createHash } from 'node:crypto';
import type { Pool } from './pool.ts';
import type { RunStatus } from '../contracts/run-status.ts';
import { metricFieldRegistry, type MetricField } from '../contracts/metric-fields.ts';

const columnOf = (field: MetricField): string => (field === 'params' ? 'params' : metricFieldRegistry[field].column);

/** One recorded step; non-finite values (a diverged step) come back as null. */
export type MetricRow = { step: number } & Partial<Record<Exclude<MetricField, 'params'>, number | null>> & { params?: (number | null)[] | null };

/**
 * One downsampled group: the mean of each field over its recorded steps, with min and max;
 * `params` (when asked for) are the parameters at the group's last recorded step, `stepEnd`.
 */
export interface MetricBucket {
  step: number;
  stepEnd: number;
  count: number;
  [field: string]: number | null | (number | null)[];
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

/** What names a revision of a run's metrics (see `revision`). */
export interface MetricsRevision {
  readonly runId: string;
  readonly status: RunStatus;
  readonly lastStep: number;
}

export function createMetricsQuery(pool: Pool) {
  // Named, so each connection parses and plans a statement once: planning these unions cost
  // more than running them on a busy server.
  const query = async <Row extends Record<string, unknown>>(sql: string, parameters: unknown[]): Promise<Row[]> =>
    (await pool.query<Row>({ name: `metrics-${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`, text: sql, values: parameters })).rows;

  return {
    /**
     * The tenant's run with its status and last recorded step (0 when none), in one statement:
     * together they name a revision of its metrics, which changes exactly when new rows land or
     * the run ends. Null when the tenant has no such run.
     */
    async revision(tenantId: string, runId: string): Promise<MetricsRevision | null> {
      const rows = await query<{ id: string; status: RunStatus; lastStep: number | null }>(`
        SELECT id, status, (SELECT step FROM run_metrics WHERE run_id = runs.id ORDER BY run_id DESC, step DESC LIMIT 1) AS "lastStep"
          FROM runs WHERE id = $1::uuid AND tenant_id = $2::uuid`, [runId, tenantId]);
      const row = rows[0];
      return row ? { runId: row.id, status: row.status, lastStep: row.lastStep ?? 0 } : null;
    },

    /** The number of recorded steps in [from, to]: from raw rows for a short range, else from the rollup pyramid and at most 30 raw rows. */
    async count(runId: string, from: number, to: number): Promise<number> {
      const { buckets, rawRanges } = to - from < rawRangeSteps ? { buckets: [], rawRanges: [[from, to]] } : decomposeRange(from, to);
      const conditions = buckets.map((_, i) => `(level = $${3 * i + 2} AND bucket BETWEEN $${3 * i + 3} AND $${3 * i + 4})`);
      const offset = 3 * buckets.length + 2;
      const raw = rawRanges.map((_, i) => `step BETWEEN $${offset + 2 * i} AND $${offset + 2 * i + 1}`);
      const rows = await query<{ n: string | null }>(
        `SELECT (SELECT COALESCE(sum(count), 0) FROM metric_rollups WHERE run_id = $1::uuid AND (${conditions.join(' OR ') || 'false'}))
              + (SELECT count(*) FROM run_metrics WHERE run_id = $1::uuid AND (${raw.join(' OR ') || 'false'})) AS n`,
        [runId, ...buckets.flatMap((b) => [b.level, b.first, b.last]), ...rawRanges.flat()]);
      return Number(rows[0]?.n ?? 0);
    },

    async rows(runId: string, rowQuery: RowQuery): Promise<MetricRow[]> {
      const columns = rowQuery.fields.map((field) => `${columnOf(field)} AS "${field}"`);
      const rows = await query(
        `SELECT step${columns.length ? ', ' + columns.join(', ') : ''} FROM run_metrics
          WHERE run_id = $1::uuid AND step BETWEEN $2 AND $3 AND step > $4
          ORDER BY run_id, step LIMIT $5`,
        [runId, rowQuery.from, rowQuery.to, rowQuery.afterStep, rowQuery.limit]);
      return rows.map((row) => {
        const out: MetricRow = { step: Number(row.step) };
        for (const field of rowQuery.fields) {
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

    /** `plan`, when given, reads the range its way instead of `planDownsampling`'s (every level gives the same buckets at its width). */
    async downsample(runId: string, downsampleQuery: DownsampleQuery, plan = planDownsampling(downsampleQuery.from, downsampleQuery.to, downsampleQuery.maxPoints)):
    Promise<{ bucketSize: number; buckets: MetricBucket[] }> {
      const groupWidth = plan.groupWidth;
      const rawField = (column: string) =>
        `CASE WHEN ${column} IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN NULL ELSE ${column} END`;
      const wanted = new Set<string>(downsampleQuery.fields);
      const fields = rolledUpFields.filter(([field]) => wanted.has(field));
      const rawAggregates = fields.flatMap(([, column]) => [
        `(${rawField(column)} IS NOT NULL)::int AS ${column}_count`,
        ...splitSumSql(rawField(column), `${column}_sum`),
        `${rawField(column)} AS ${column}_min`,
        `${rawField(column)} AS ${column}_max`,
      ]);
      const rollupColumns = fields.flatMap(([, c]) => [`${c}_count`, `${c}_sum`, `${c}_sum_scaled`, `${c}_min`, `${c}_max`]);
      const merged = fields.flatMap(([, c]) => [
        `sum(${c}_count)::int AS ${c}_count`, ...wideSumSql(`${c}_sum`, `${c}_sum`, `${c}_sum_scaled`), `min(${c}_min) AS ${c}_min`, `max(${c}_max) AS ${c}_max`,
      ]);
      const parts: string[] = [];
      // Always part of the statement, so PostgreSQL can type $2–$4; it reads nothing when the
      // plan uses no buckets (level 0 has no rollups, and firstBucket > lastBucket is empty).
      parts.push(`SELECT count AS n, step_first, step_last, epoch_last, elapsed_last${rollupColumns.map((c) => `, ${c}`).join('')}
        FROM metric_rollups WHERE run_id = $1::uuid AND level = $2 AND bucket BETWEEN $3 AND $4`);
      parts.push(`SELECT 1 AS n, step AS step_first, step AS step_last, epoch AS epoch_last, elapsed_seconds AS elapsed_last${rawAggregates.map((c) => `, ${c}`).join('')}
        FROM run_metrics WHERE run_id = $1::uuid AND (step BETWEEN $5 AND $6 OR step BETWEEN $7 AND $8)`);
      const sql = `
        SELECT floor((step_first - 1)::float8 / $9::float8)::bigint AS g,
               sum(n)::int AS count, min(step_first) AS step, max(step_last) AS step_end,
               max(epoch_last) AS epoch, max(elapsed_last) AS elapsed${merged.map((c) => `, ${c}`).join('')}
          FROM (${parts.join(' UNION ALL ')}) u
         GROUP BY g ORDER BY g`;
      const rows = await query(sql, [runId, plan.level, plan.firstBucket, plan.lastBucket,
        plan.rawRanges[0][0], plan.rawRanges[0][1], plan.rawRanges[1][0], plan.rawRanges[1][1], groupWidth]);
      const buckets = rows.map((row) => {
        const bucket: MetricBucket = { step: Number(row.step), stepEnd: Number(row.step_end), count: Number(row.count) };
        if (wanted.has('epoch')) bucket.epoch = finite(row.epoch);
        if (wanted.has('elapsedSeconds')) bucket.elapsedSeconds = finite(row.elapsed);
        for (const [field, column] of fields) {
          const count = Number(row[`${column}_count`] ?? 0);
          const min = finite(row[`${column}_min`]);
          const max = finite(row[`${column}_max`]);
          bucket[field] = groupMean(count, row[`${column}_sum`] as number | null, row[`${column}_sum_scaled`] as number | null, min, max);
          bucket[`${field}Min`] = min;
          bucket[`${field}Max`] = max;
        }
        return bucket;
      });
      if (wanted.has('params') && buckets.length > 0) {
        // Parameters have no mean: each bucket shows where the run was at its last step.
        const rows = await query<{ step: number; params: number[] | null }>(
          'SELECT step, params FROM run_metrics WHERE run_id = $1::uuid AND step = ANY($2::int[])', [runId, buckets.map((b) => b.stepEnd)]);
        const byStep = new Map(rows.map((row) => [Number(row.step), row.params]));
        for (const bucket of buckets) {
          const params = byStep.get(bucket.stepEnd);
          bucket.params = params && params.length ? params.map(finite) : null;
        }
      }
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

/** Groups of `width` steps, aligned to its multiples, that the steps [from, to] touch. */
export function alignedGroups(from: number, to: number, width: number): number {
  return Math.floor((to - 1) / width) - Math.floor((from - 1) / width) + 1;
}

/** The narrowest multiple of `unit` whose aligned groups over [from, to] number at most `maxPoints`. */
function narrowestWidth(from: number, to: number, maxPoints: number, unit: number): number {
  const span = to - from + 1;
  // Below ⌈span / maxPoints⌉ there are more groups. Widening adds a group only where
  // ⌊(from − 1) / width⌋ drops and takes one away only where ⌊(to − 1) / width⌋ does: from one
  // drop of the latter straight to the next.
  let width = unit * Math.ceil(Math.ceil(span / maxPoints) / unit);
  while (alignedGroups(from, to, width) > maxPoints) {
    width = unit * Math.ceil((Math.floor((to - 1) / Math.floor((to - 1) / width)) + 1) / unit);
  }
  return width;
}

/**
 * Rows a downsampled read may touch, summary or raw: 16 per point asked for, and at least the
 * raw rows of a range short enough to be read whole. Levels are 4× apart, so some level within
 * it has buckets at most a quarter of a group wide, which still gives four fifths of the groups
 * asked for; a wider budget buys a few more groups for many times the rows, and shifts the
 * groups at every poll of a growing run.
 */
const rowsRead = (maxPoints: number) => Math.max(rawRangeSteps, 16 * maxPoints);

/**
 * Chooses the rollup level and group width for as many groups as the range allows, at most
 * `maxPoints`. Groups are aligned to multiples of their width, a multiple of the level's bucket
 * width, so rounding the width up to whole buckets can cost groups: among raw rows and the
 * levels whose buckets over the range number at most `rowsRead`, the one giving the most groups
 * wins, and of those that tie the one reading fewest rows (whole buckets, and raw rows for the
 * partial ones at the ends). A range of at
 * most `rawRangeSteps` steps is always read from its raw rows (a short run keeps no rollups).
 */
export function planDownsampling(from: number, to: number, maxPoints: number): DownsamplingPlan {
  const span = to - from + 1;
  // Levels whose buckets over the range are few enough to read, and raw rows when they are.
  const candidates = span <= rawRangeSteps ? [0] : [0, ...rollupLevels].filter((level) => span / bucketWidth(level) <= rowsRead(maxPoints));
  let best: { plan: DownsamplingPlan; groups: number; cost: number } | null = null;
  for (const level of candidates) {
    const plan = readingPlan(from, to, level, narrowestWidth(from, to, maxPoints, bucketWidth(level)));
    const { rawRanges: [[a, b], [c, d]] } = plan;
    const cost = Math.max(0, plan.lastBucket - plan.firstBucket + 1) + Math.max(0, b - a + 1) + Math.max(0, d - c + 1);
    const groups = alignedGroups(from, to, plan.groupWidth);
    if (!best || groups > best.groups || (groups === best.groups && cost < best.cost)) best = { plan, groups, cost };
  }
  return best!.plan;
}

/** Reading [from, to] in groups of `groupWidth` steps (a multiple of the level's bucket width) from the rollups of `level` (0: raw rows only). */
export function readingPlan(from: number, to: number, level: number, groupWidth: number): DownsamplingPlan {
  if (level === 0) {
    return { level, groupWidth, firstBucket: 1, lastBucket: 0, rawRanges: [[from, to], [1, 0]] };
  }
  const width = bucketWidth(level);
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

/**
 * Cuts [from, to] into whole rollup buckets, coarsest first, and the raw steps left over at
 * its ends: less than one finest bucket on each side, at most 30 steps in all.
 */
export function decomposeRange(from: number, to: number): {
  buckets: { level: number; first: number; last: number }[];
  rawRanges: [number, number][];
} {
  const buckets: { level: number; first: number; last: number }[] = [];
  // Pending pieces of the range, each still to be covered by finer levels.
  let pieces: [number, number][] = [[from, to]];
  for (const level of [...rollupLevels].reverse()) {
    const width = bucketWidth(level);
    const next: [number, number][] = [];
    for (const [a, b] of pieces) {
      const first = Math.ceil((a - 1) / width);
      const last = Math.floor(b / width) - 1;
      if (first > last) {
        next.push([a, b]);
        continue;
      }
      buckets.push({ level, first, last });
      if (a <= first * width) next.push([a, first * width]);
      if ((last + 1) * width + 1 <= b) next.push([(last + 1) * width + 1, b]);
    }
    pieces = next;
  }
  return { buckets, rawRanges: pieces.filter(([a, b]) => a <= b) };
}
