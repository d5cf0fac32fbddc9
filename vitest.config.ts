import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Files that run alone, after the others (each for the reason given); a path ending in / stands for the files under it. */
const alone = [
  // Their own PostgreSQL and Redis, started, crashed and restarted mid-test, or worker processes of their own.
  'test/integration/faults/',
  'test/integration/db/bounded-pool.test.ts',
  'test/integration/parallel/distributed-faults.test.ts',
  'test/integration/parallel/distributed-runs.test.ts',
  'test/integration/parallel/replica-loop.test.ts',
  'test/integration/parallel/replica-workers-count.test.ts',
  'test/integration/queue/redis-unavailable.test.ts',
  'test/integration/runs/crash.test.ts',
  'test/integration/sweeps/concurrency.test.ts',
  'test/integration/worker/deployment-claim.test.ts',
  'test/integration/worker/reconciler.test.ts',
  // Processes of their own (the CLI, a server, a worker) that they time out waiting for.
  'test/integration/cli/processes.test.ts',
  'test/integration/client/submit-terminal.test.ts',
  'test/integration/client/readme-example.test.ts',
  'test/integration/datasets/upload-memory.test.ts',
  'test/cli/closed-pipe.test.ts',
  // Threads or the event loop measured against each other: another file's CPU would be in the measure.
  'test/integration/parallel/hogwild-threads.test.ts',
  'test/integration/parallel/concurrent-stopping.test.ts',
  'test/integration/api/thread-fairness.test.ts',
  'test/integration/api/event-loop.test.ts',
  'test/integration/sweeps/event-loop.test.ts',
  'test/integration/worker/pruned-drain.test.ts',
  // What the whole database shows: table statistics, a retention pass over every tenant, sessions
  // waiting for locks counted database-wide, and plans whose scans depend on every file's rows.
  'test/integration/db/table-statistics.test.ts',
  'test/integration/db/metrics-retention.test.ts',
  'test/integration/db/runs.test.ts',
  'test/integration/db/sweep-replay.test.ts',
  'test/integration/sweeps/wake-ups.test.ts',
  'test/integration/runs/deletion-races.test.ts',
  'test/integration/db/dataset-content-sha256.test.ts',
  'test/integration/db/run-search.test.ts',
  'test/integration/db/named-resource-deletion-plan.test.ts',
  'test/integration/db/metric-rows-use.test.ts',
  'test/integration/db/stranded-sweeps.test.ts',
  'test/integration/db/sweep-trial-indexes.test.ts',
  'test/integration/db/pool.test.ts',
  'test/integration/db/sweep-list.test.ts',
  // Each failed a test beside another file (a cancelled trial's end told once; a drag zooming the
  // curves of a running run), and passed alone: the cause is not yet known.
  'test/integration/sweeps/trial-ends-once.test.ts',
  'test/e2e/dashboard-findings.test.ts',
];

const runsAlone = (file: string) => alone.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));

/** The test files under `directory`, relative to the root. */
function testFiles(directory: string): string[] {
  return readdirSync(root + directory, { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const bySize = (files: string[]) => files.map((file) => ({ file, size: statSync(root + file).size })).sort((a, b) => b.size - a.size || a.file.localeCompare(b.file));

/**
 * The other files run two at a time, in rounds, one round per browser file (test/e2e/): a round
 * is its browser file and a share of the rest, as large (in bytes) as the browser file's share of
 * the browser files, so the browser file's waits on the page's refreshes are spent running them.
 * One browser runs at a time, and never beside a file of `alone`.
 */
function rounds(): string[][] {
  const files = testFiles('test').filter((file) => !runsAlone(file));
  const browsers = bySize(files.filter((file) => file.startsWith('test/e2e/')));
  const shares = browsers.map(({ file, size }) => ({ files: [file], size: 0, weight: size }));
  for (const { file, size } of bySize(files.filter((file) => !file.startsWith('test/e2e/')))) {
    const share = shares.reduce((best, candidate) => (candidate.size / candidate.weight < best.size / best.weight ? candidate : best));
    share.files.push(file);
    share.size += size;
  }
  return shares.map((share) => share.files);
}

export default defineConfig({
  test: {
    // Tests read TEST_DATABASE_URL only; this makes DATABASE_URL the same for whatever they start.
    setupFiles: ['test/support/environment.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a busy machine may take seconds to show; the test's own timeout still bounds it.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Integration suites share one PostgreSQL and one Redis; each file uses its own queue prefix
    // and tenants (a database of its own where it migrates one), so most files run two at a time
    // (see rounds). The files of `alone` run one at a time once those are done, the two cores theirs.
    projects: [
      ...rounds().map((files, round) => ({ extends: true as const, test: { name: `round ${round + 1}`, include: files, maxWorkers: 2, sequence: { groupOrder: round } } })),
      { extends: true, test: { name: 'alone', include: alone.map((entry) => (entry.endsWith('/') ? `${entry}**/*.test.ts` : entry)), fileParallelism: false, sequence: { groupOrder: 100 } } },
    ],
  },
});
