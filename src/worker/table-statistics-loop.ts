/**
 * Each worker brings the hot tables' planner statistics up to date (src/db/table-statistics.ts)
 * when it starts and then every TABLE_STATISTICS_INTERVAL_MS: where autovacuum keeps up, a pass
 * finds nothing to do; where it is off, the tables are analyzed as it would have. The advisory
 * lock in the pass lets only one worker of a deployment analyze at a time.
 */
import type { Logger } from '../config/logger.ts';
import type { TableStatistics } from '../db/table-statistics.ts';
import { startPeriodicPass } from './periodic-pass.ts';

export interface StatisticsLoopOptions {
  readonly statistics: TableStatistics;
  readonly intervalMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  readonly firstPassMs?: number;
}

/** Starts the loop; the function returned stops it and waits for a pass in progress. */
export function startTableStatisticsLoop(options: StatisticsLoopOptions): () => Promise<void> {
  const { statistics, intervalMs, logger, firstPassMs = 0 } = options;
  return startPeriodicPass(() => statistics.refresh().then(
    (pass) => {
      if (pass.analyzed.length > 0) logger.info({ tables: pass.analyzed }, 'analyzed tables whose statistics were out of date');
      if (pass.skipped.length > 0) logger.warn({ tables: pass.skipped }, 'tables whose lock was held past the lock timeout were not analyzed; retrying at the next interval');
    },
    (error: unknown) => logger.warn({ err: error }, 'table statistics pass failed; retrying at the next interval'),
  ), intervalMs, firstPassMs);
}
