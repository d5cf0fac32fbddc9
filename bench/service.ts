/**
 * Service benchmarks against the real PostgreSQL and Redis, in order: (a) end-to-end runs per
 * second through API → queue → worker → Postgres against raw BullMQ; (b) the worker's metrics
 * writer against a plain COPY; (c) the metrics query under load; then dashboards, live events and
 * (f) the whole-run export against COPY TO STDOUT. Each prints ratios measured in this one run. DATABASE_URL (default the `descent_bench` database) and REDIS_URL choose the
 * servers; every suite uses its own queue prefix and its own runs. BENCH_SUITES, a comma-separated
 * list of suite names (`end-to-end`, `metrics-writer`, …), runs only those.
 */
const suites = [
  './service/end-to-end.ts',
  './service/metrics-writer.ts',
  './service/metrics-query.ts',
  './service/dashboard-viewers.ts',
  './service/event-fanout.ts',
  './service/metrics-export.ts',
];

const chosen = process.env.BENCH_SUITES?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = chosen?.filter((name) => !suites.includes(`./service/${name}.ts`)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_SUITES names no suite: ${unknown.join(', ')}`);

for (const suite of suites.filter((path) => !chosen || chosen.some((name) => path === `./service/${name}.ts`))) {
  try {
    const { run } = (await import(suite)) as { run: () => Promise<void> | void };
    await run();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(suite.slice(2))) throw error;
    console.log(`\n${suite}: not present, skipped`);
  }
}
process.exit(0);
