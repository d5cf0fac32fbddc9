import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests read TEST_DATABASE_URL only; this makes DATABASE_URL the same for whatever they start.
    setupFiles: ['test/support/environment.ts'],
    // Integration suites share one PostgreSQL and one Redis; each file uses its own
    // database schema and queue names, but running files one at a time keeps the two
    // cores free for the worker processes that some tests start.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a busy machine may take seconds to show; the test's own timeout still bounds it.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
