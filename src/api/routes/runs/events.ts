/**
 * GET /v1/runs/{id}/events: server-sent events for one run. Each message is `event: <type>` and
 * `data: <one JSON object>`; the shapes are those the worker publishes (src/queue/run-events.ts):
 *
 *   status    { runId, status, result }: first, from the stored run; then at every change of
 *             status (a worker starts or resumes the run, it ends, it is cancelled). `result` is
 *             null until the run has ended.
 *   progress  { runId, progress, earlyStopping }: the same objects `GET /v1/runs/{id}` shows;
 *             right after the first `status` when the run has made progress, then at most every
 *             ~250 ms while it runs, and once at the end.
 *   metrics   { runId, firstStep, lastStep, count, rows }: after each stored slice, whose `count`
 *             recorded steps run from `firstStep` to `lastStep`. `rows` holds at most 256 of them
 *             (evenly spaced, the last always included; empty when nobody listened to the
 *             previous message): read every row with `/metrics?from=firstStep&to=lastStep`.
 *             The message's `id:` is `lastStep`.
 *   end       {}: the run has reached a final status; the stream closes.
 *
 * The stream also closes when the client leaves. A comment line every 15 s keeps proxies from
 * timing the stream out.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunEventHub, RunEventMessage } from '../../../queue/run-event-hub.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { RunService } from './run-service.ts';
import type { Run } from '../../../db/runs.ts';

const finalStatuses = new Set(['completed', 'early_stopped', 'diverged', 'failed', 'cancelled']);

export interface RunEventsOptions {
  readonly runService: RunService;
  readonly runEvents: RunEventHub;
  /** Milliseconds between keep-alive comments. */
  readonly heartbeatMs?: number;
  /** Milliseconds between checks of the stored status, in case a published message was missed. */
  readonly recheckMs?: number;
}

/** A `status` event from the stored run: the shape the worker publishes. */
function statusEvent(run: Run) {
  return { runId: run.id, status: run.status, result: run.result };
}

export async function runEventRoutes(app: FastifyInstance, options: RunEventsOptions): Promise<void> {
  const { runService, runEvents, heartbeatMs = 15_000, recheckMs = 5_000 } = options;

  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/events', {
    schema: {
      summary: 'Follow a run live',
      description: 'Server-sent events (`text/event-stream`), each `data` one JSON object: `status` `{ runId, status, result }` '
        + 'first and at every change of status; `progress` `{ runId, progress, earlyStopping }` (as in the run view) after it when '
        + 'the run has progressed, then every ~250 ms while running; `metrics` `{ runId, firstStep, lastStep, count, rows }` after '
        + 'each stored slice, `rows` holding at most 256 of its `count` steps (evenly spaced, the last included; the rest from '
        + '`/metrics?from=firstStep&to=lastStep`), with `id: lastStep`; `end` `{}` when the run has finished.',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      response: {
        200: z.string().describe('An event stream: `event: <type>` and `data: <JSON>` per message.'),
        ...problemResponses(401, 404, 429),
      },
    },
  }, async (request, reply) => {
    const tenantId = principalOf(request).tenantId;
    // Ownership first, so another tenant's run is a plain 404.
    const first = await runService.get(tenantId, request.params.id);

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });

    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe: () => void = () => undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      unsubscribe();
      out.end();
    };
    const send = (event: string, data: unknown, id?: number) => {
      if (closed) return;
      out.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const finish = () => {
      send('end', {});
      close();
    };
    request.raw.on('close', close);

    // Subscribe before reading the stored state: nothing published in between is lost.
    unsubscribe = await runEvents.subscribe(first.id, (message: RunEventMessage) => {
      const { type, ...data } = message;
      send(type, data, type === 'metrics' && typeof data.lastStep === 'number' ? data.lastStep : undefined);
      if (type === 'status' && typeof data.status === 'string' && finalStatuses.has(data.status)) finish();
    });
    if (closed) return unsubscribe();

    const current = await runService.get(tenantId, first.id);
    send('status', statusEvent(current));
    if (current.progress !== null) send('progress', { runId: current.id, progress: current.progress, earlyStopping: current.earlyStopping });
    if (finalStatuses.has(current.status)) return finish();

    timers.push(setInterval(() => !closed && out.write(': keep-alive\n\n'), heartbeatMs));
    timers.push(setInterval(async () => {
      try {
        const latest = await runService.get(tenantId, first.id);
        if (finalStatuses.has(latest.status)) {
          send('status', statusEvent(latest));
          finish();
        }
      } catch {
        // A passing database hiccup: the next check tries again.
      }
    }, recheckMs));
  });
}
