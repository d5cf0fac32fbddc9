// Lint: TypeScript rules plus the dependency rule of ARCHITECTURE
// (core ← contracts ← {api, worker, cli} → {db, queue}); the client stands alone.
import tseslint from 'typescript-eslint';

const io = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto'];
const frameworks = ['fastify', '@fastify/*', 'bullmq', 'ioredis', 'pg', 'pg-*', '@prisma/*', 'prisma', 'playwright-core'];
const layer = (names) => names.map((name) => `**/${name}/**`);

export default tseslint.config(
  // src/core/kernels/assembly is AssemblyScript (compiled by scripts/build-kernels.ts), not TypeScript.
  { ignores: ['node_modules/**', 'dist/**', 'src/generated/**', 'coverage/**', 'src/core/kernels/assembly/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/parallel/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...io, ...frameworks], message: 'src/core is pure: no I/O or framework imports.' },
          { group: layer(['contracts', 'config', 'db', 'queue', 'api', 'worker', 'cli', 'dashboard']), message: 'src/core imports nothing outside src/core.' },
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use the seeded Random from src/core/random.ts.' },
        { object: 'Date', property: 'now', message: 'The core has no clock: take one as a parameter.' },
        { object: 'performance', property: 'now', message: 'The core has no clock: take one as a parameter.' },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...io, ...frameworks.filter((f) => f !== 'fastify')], message: 'src/contracts holds schemas only.' },
          { group: layer(['db', 'queue', 'api', 'worker', 'cli', 'dashboard']), message: 'src/contracts depends on src/core only.' },
        ],
      }],
    },
  },
  {
    files: ['src/db/**/*.ts', 'src/queue/**/*.ts', 'src/config/**/*.ts', 'src/concurrency/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: layer(['api', 'worker', 'cli']), message: 'Nothing points back into api, worker or cli.' }],
      }],
    },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: layer(['worker', 'cli']), message: 'The API does not import the worker or the CLI.' }],
      }],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: layer(['api', 'cli']), message: 'The worker does not import the API or the CLI.' }],
      }],
    },
  },
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...io, ...frameworks, 'zod'], message: 'The client runs wherever fetch does: no server libraries.' },
          { group: layer(['core', 'contracts', 'config', 'db', 'queue', 'api', 'worker', 'cli', 'dashboard']), message: 'The client speaks to the API only through openapi.yaml.' },
        ],
      }],
    },
  },
);
