/**
 * Each worker prunes finished runs' old steps (src/db/metrics-retention.ts) shortly after it
 * starts and then every `intervalMs`, when METRICS_RETENTION_DAYS is set. The advisory lock in
 * the pruner lets only one worker of a deployment do a pass at a time.
 */
import type { Logger } from '../config/logger.ts';
import type { MetricsRetention } from '../db/metrics-retention.ts';
import { startPeriodicPass } from './periodic-pass.ts';

export interface RetentionLoopOptions {
  readonly retention: MetricsRetention;
  readonly retentionDays: number;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly firstPassMs?: number;
}

/** Starts the loop; the function returned stops it and waits for a pass in progress. */
export function startRetentionLoop(options: RetentionLoopOptions): () => Promise<void> {
  const { retention, retentionDays, logger, intervalMs = 3_600_000, firstPassMs = 60_000 } = options;
  return startPeriodicPass(() => retention.prune(retentionDays).then(
    (result) => {
      if (result.rows > 0) logger.info({ runs: result.runs, rows: result.rows, retentionDays }, 'pruned finished runs\' old steps');
    },
    (error: unknown) => logger.warn({ err: error }, 'metrics retention pass failed; retrying at the next interval'),
  ), intervalMs, firstPassMs);
}
