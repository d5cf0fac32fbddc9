/**
 * The worker's own Prometheus metrics, next to the process's in its registry: runs finished by
 * status, slice durations, updates made (and their rate between two scrapes), metric rows
 * written, and PostgreSQL's and Redis's round-trip times, measured when scraped.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Pool } from 'pg';
import type { Redis } from '../queue/connection.ts';

/** What the run loop tells the metrics. */
export interface WorkerMetrics {
  /** A slice of a run was stored: it took `seconds`, made `steps` updates and wrote `rows` metric rows. */
  slice(seconds: number, steps: number, rows: number): void;
  /** A run ended in the worker with this final status. */
  finished(status: string): void;
}

/** Measures `probe` in seconds; a probe that fails or takes more than 5 s reports nothing. */
async function roundTrip(probe: () => Promise<unknown>): Promise<number | null> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), 5_000);
  });
  try {
    await Promise.race([probe(), timeout]);
    return (performance.now() - start) / 1000;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export function createWorkerMetrics(registry: Registry, probes: { readonly pool: Pool; readonly redis: Redis }): WorkerMetrics {
  const registers = [registry];
  const runs = new Counter({ name: 'descent_worker_runs_finished_total', help: 'Runs that ended in this worker, by final status.', labelNames: ['status'] as const, registers });
  const slices = new Histogram({
    name: 'descent_worker_slice_duration_seconds',
    help: 'Time of one slice of a run: its updates and the write of its metric rows and checkpoint.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const steps = new Counter({ name: 'descent_worker_steps_total', help: 'Updates made by the runs of this worker.', registers });
  const rows = new Counter({ name: 'descent_worker_metric_rows_written_total', help: 'Metric rows (recorded steps) this worker wrote.', registers });
  let stepsSinceScrape = 0;
  let lastScrape = performance.now();
  new Gauge({
    name: 'descent_worker_steps_per_second',
    help: 'Updates per second made by the runs of this worker since the previous scrape.',
    registers,
    collect() {
      const now = performance.now();
      this.set(now > lastScrape ? stepsSinceScrape / ((now - lastScrape) / 1000) : 0);
      stepsSinceScrape = 0;
      lastScrape = now;
    },
  });
  const roundTripGauge = (name: string, help: string, probe: () => Promise<unknown>) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.reset();
        const seconds = await roundTrip(probe);
        if (seconds !== null) this.set(seconds);
      },
    });
  roundTripGauge('descent_worker_database_round_trip_seconds', 'Time of a SELECT 1 on the worker\'s PostgreSQL pool, when scraped (absent when it fails).', () => probes.pool.query('SELECT 1'));
  roundTripGauge('descent_worker_redis_round_trip_seconds', 'Time of a PING on the worker\'s Redis connection, when scraped (absent when it fails).', () => probes.redis.ping());

  return {
    slice(seconds, made, written) {
      slices.observe(seconds);
      steps.inc(made);
      stepsSinceScrape += made;
      rows.inc(written);
    },
    finished(status) {
      runs.inc({ status });
    },
  };
}
