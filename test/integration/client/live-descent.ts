/**
 * A Descent listening on a real port, as a client meets it: the API over the test's services,
 * a runs worker and a sweeps coordinator in this process, and a fresh tenant's key.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { startTestSweepWorker, type TestSweepWorker } from '../sweeps/support.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

export interface LiveDescent {
  readonly services: TestServices;
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly apiKey: string;
  /** Another key of a fresh tenant, who sees nothing of the others'. */
  newKey(): Promise<string>;
}

export interface LiveOptions {
  /** Settings of the API (e.g. RATE_LIMIT_MAX). */
  readonly settings?: Record<string, string>;
  /** Without workers, runs stay queued. */
  readonly workers?: boolean;
}

/** Starts the service before the file's tests and stops it after them. */
export function useLiveDescent(options: LiveOptions = {}): LiveDescent {
  const live = {} as { services: TestServices; app: FastifyInstance; url: string; apiKey: string; worker?: TestSweepWorker };
  beforeAll(async () => {
    live.services = await openTestServices(options.settings);
    live.app = await buildTestApp(live.services);
    live.url = await live.app.listen({ host: '127.0.0.1', port: 0 });
    if (options.workers !== false) live.worker = await startTestSweepWorker(live.services);
    live.apiKey = (await createTenantKey(live.services.database)).key;
  });
  afterAll(async () => {
    await live.worker?.close();
    await live.app?.close();
    await live.services?.close();
  });
  return {
    get services() { return live.services; },
    get app() { return live.app; },
    get url() { return live.url; },
    get apiKey() { return live.apiKey; },
    newKey: async () => (await createTenantKey(live.services.database)).key,
  };
}
