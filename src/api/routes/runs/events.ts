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
 *   reconnect { reason, retryMs }: the server ends the stream (the client read too slowly, or
 *             the process is shutting down) and suggests reconnecting after `retryMs` (also sent
 *             as `retry:`, which EventSource follows by itself).
 *
 * The stream also closes when the client leaves. A comment line every 15 s keeps proxies from
 * timing the stream out. Whatever the number of viewers, a process encodes each message once
 * and checks a run's stored status once per interval (event-streams.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunEventHub, RunEventMessage } from '../../../queue/run-event-hub.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import type { RunService } from './run-service.ts';
import type { Run } from '../../../db/runs.ts';
import { createEventStreams, type EventStream } from './event-streams.ts';

const finalStatuses = new Set(['completed', 'early_stopped', 'diverged', 'failed', 'cancelled']);

export interface RunEventsOptions {
  readonly runService: RunService;
  readonly runEvents: RunEventHub;
  /** Milliseconds between keep-alive comments. */
  readonly heartbeatMs?: number;
  /** Milliseconds between checks of the stored status, in case a published message was missed. */
  readonly recheckMs?: number;
  /** Unsent bytes a stream may hold before it is dropped as a slow consumer. */
  readonly maxBufferedBytes?: number;
}

/** A `status` event from the stored run: the shape the worker publishes. */
function statusEvent(run: Run) {
  return { runId: run.id, status: run.status, result: run.result };
}

export async function runEventRoutes(app: FastifyInstance, options: RunEventsOptions): Promise<void> {
  const { runService, runEvents, heartbeatMs = 15_000, recheckMs = 5_000, maxBufferedBytes } = options;
  const streams = createEventStreams({ heartbeatMs, maxBufferedBytes });
  // Before the server waits for its connections to end: open streams never would by themselves.
  app.addHook('preClose', (done) => {
    streams.closeAll();
    done();
  });

  /**
   * Streams waiting for their run's final status, by run: one read of the stored run per run and
   * interval, in case a published message was missed.
   */
  const watched = new Map<string, { tenantId: string; ending: Set<(run: Run) => void>; timer: NodeJS.Timeout }>();
  function watchFinalStatus(runId: string, tenantId: string, end: (run: Run) => void): () => void {
    let watch = watched.get(runId);
    if (!watch) {
      const ending = new Set<(run: Run) => void>();
      const timer = setInterval(async () => {
        try {
          const latest = await runService.get(tenantId, runId);
          if (finalStatuses.has(latest.status)) for (const listener of [...ending]) listener(latest);
        } catch {
          // A passing database hiccup: the next check tries again.
        }
      }, recheckMs);
      timer.unref();
      watch = { tenantId, ending, timer };
      watched.set(runId, watch);
    }
    watch.ending.add(end);
    return () => {
      const current = watched.get(runId);
      if (!current) return;
      current.ending.delete(end);
      if (current.ending.size === 0) {
        clearInterval(current.timer);
        watched.delete(runId);
      }
    };
  }

  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/events', {
    schema: {
      summary: 'Follow a run live',
      description: 'Server-sent events (`text/event-stream`), each `data` one JSON object: `status` `{ runId, status, result }` '
        + 'first and at every change of status; `progress` `{ runId, progress, earlyStopping }` (as in the run view) after it when '
        + 'the run has progressed, then every ~250 ms while running; `metrics` `{ runId, firstStep, lastStep, count, rows }` after '
        + 'each stored slice, `rows` holding at most 256 of its `count` steps (evenly spaced, the last included; the rest from '
        + '`/metrics?from=firstStep&to=lastStep`), with `id: lastStep`; `end` `{}` when the run has finished; `reconnect` '
        + '`{ reason, retryMs }` when the server ends the stream early (a client reading too slowly, a shutdown).',
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
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: EventStream = streams.open(reply.raw);
    const finish = () => {
      stream.send('end', {});
      stream.close();
    };

    // Subscribe before reading the stored state: nothing published in between is lost.
    const unsubscribe = await runEvents.subscribe(first.id, (message: RunEventMessage) => {
      const { type, ...data } = message;
      stream.send(type, data, type === 'metrics' && typeof data.lastStep === 'number' ? data.lastStep : undefined, message);
      if (type === 'status' && typeof data.status === 'string' && finalStatuses.has(data.status)) finish();
    });
    stream.onClose(unsubscribe);
    if (stream.closed) return;

    const current = await runService.get(tenantId, first.id);
    stream.send('status', statusEvent(current));
    if (current.progress !== null) stream.send('progress', { runId: current.id, progress: current.progress, earlyStopping: current.earlyStopping });
    if (finalStatuses.has(current.status)) return finish();

    stream.onClose(watchFinalStatus(first.id, tenantId, (latest) => {
      stream.send('status', statusEvent(latest));
      finish();
    }));
  });
}
