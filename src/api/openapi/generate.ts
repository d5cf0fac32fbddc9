/**
 * The OpenAPI document, generated from the routes' zod schemas. `npm run openapi` writes it to
 * openapi.yaml at the top of the repository, the client's types from it, and the README's error
 * table from the error catalogue; a test fails when any differs from what it would write.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/config.ts';
import { createDatabase } from '../../db/client.ts';
import { closeRedis, createRedis } from '../../queue/connection.ts';
import { createRunsQueue } from '../../queue/runs-queue.ts';
import { buildApp } from '../app.ts';
import { readmePath, writeReadmeErrorTable } from '../errors/readme-error-table.ts';
import { clientTypesPath, renderClientTypes } from './client-types.ts';

export const openApiPath = fileURLToPath(new URL('../../../openapi.yaml', import.meta.url));

/** Builds the API over connections it never uses (both are lazy) and renders its document. */
export async function renderOpenApi(): Promise<string> {
  // Defaults only: the document must not depend on the environment it is generated in.
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const database = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  try {
    return app.swagger({ yaml: true });
  } finally {
    await app.close();
    await runsQueue.close().catch(() => undefined);
    await closeRedis(redis);
    await database.$disconnect();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = await renderOpenApi();
  await writeFile(openApiPath, document);
  console.error(`wrote ${openApiPath}`);
  await writeFile(clientTypesPath, await renderClientTypes(document));
  console.error(`wrote ${clientTypesPath}`);
  await writeReadmeErrorTable();
  console.error(`wrote the error table of ${readmePath}`);
}
