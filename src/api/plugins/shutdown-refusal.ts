/**
 * While the API process shuts down (a deploy, a restart), requests that still reach it — on a
 * keep-alive connection, or pipelined behind one in flight — are answered 503 `shutting_down`
 * as a problem, with `Retry-After` and `Connection: close`, so that a client or load balancer
 * asks again (on a new connection, another process or the restarted one) instead of reading
 * Fastify's own plain body, which named no code and no wait. Nothing else runs for them: the
 * refusal comes first among the request hooks, before the key is checked.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';

/** Seconds a client waits before asking again: a restarted process listens within about that. */
const retryAfterSeconds = 1;

export function installShutdownRefusal(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (!closing) return;
    throw new AppError(503, 'shutting_down', 'The API process is shutting down', {
      detail: `This API process is shutting down; retry in ${retryAfterSeconds} s (another process, or this one restarted, answers).`,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  });
}
