/**
 * Service benchmarks against the real PostgreSQL and Redis, in order: (a) end-to-end runs per
 * second through API → queue → worker → Postgres against raw BullMQ; (b) the worker's metrics
 * writer against a plain COPY; (c) the metrics query under load; then dashboards, live events and
 * (f) the whole-run export against COPY TO STDOUT. Each prints ratios measured in this one run. DATABASE_URL (default the `descent_bench` database) and REDIS_URL choose the
 * servers; every suite uses its own queue prefix and its own runs.
 */
const suites = [
  './service/end-to-end.ts',
  './service/metrics-writer.ts',
  './service/metrics-query.ts',
  './service/dashboard-viewers.ts',
  './service/event-fanout.ts',
  './service/metrics-export.ts',
];

for (const suite of suites) {
  try {
    const { run } = (await import(suite)) as { run: () => Promise<void> | void };
    await run();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(suite.slice(2))) throw error;
    console.log(`\n${suite}: not present, skipped`);
  }
}
process.exit(0);
