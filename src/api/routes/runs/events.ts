/**
 * GET /v1/runs/{id}/events: server-sent events for one run. Each message is `event: <type>` and
 * `data: <one JSON object>`; the shapes are those the worker publishes (src/queue/run-events.ts):
 *
 *   status    { runId, status, result }: first, from the stored run; then at every change of
 *             status (a worker starts or resumes the run, it ends, it is cancelled). `result` is
 *             null until the run has ended.
 *   progress  { runId, progress, earlyStoppingState, earlyStopping (deprecated, the same) }: the same objects `GET /v1/runs/{id}` shows;
 *             right after the first `status` when the run has made progress, then at most every
 *             ~250 ms while it runs, and once at the end.
 *   metrics   { runId, firstStep, lastStep, count, rows }: after each stored slice, whose `count`
 *             recorded steps run from `firstStep` to `lastStep`. `rows` holds at most 256 of them
 *             (evenly spaced, the last always included): read every row with
 *             `/metrics?from=firstStep&to=lastStep`.
 *             The message's `id:` is `lastStep`.
 *   end       {}: the run has reached a final status; the stream closes.
 *
 *   reconnect { reason, retryMs }: the server ends the stream (the client read too slowly, the
 *             process is shutting down, live events are unavailable while Redis is
 *             unreachable, or the stream's API key was revoked) and suggests reconnecting after `retryMs` (also sent
 *             as `retry:`, which EventSource follows by itself).
 *
 * The stream also closes when the client leaves. A comment line every 15 s keeps proxies from
 * timing the stream out. Whatever the number of viewers, a process encodes each message once
 * and checks a run's stored status once per interval (server-sent-events/). A client that
 * reconnects opens with the run's state afresh.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventHub } from '../../../queue/event-hub.ts';
import { runChannel } from '../../../queue/run-events.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { createFollowedStreams, type FollowedStreamsOptions } from '../../server-sent-events/followed-streams.ts';
import type { RunService } from './run-service.ts';
import type { Run } from '../../../db/runs.ts';
import { isFinalRunStatus } from '../../../contracts/run-status.ts';
import { eventStreamQueryParameters } from '../../plugins/validator-compiler.ts';

export interface RunEventsOptions extends FollowedStreamsOptions {
  readonly runService: RunService;
  readonly events: EventHub;
}

/** A `status` event from the stored run: the shape the worker publishes. */
function statusEvent(run: Run) {
  return { event: 'status', data: { runId: run.id, status: run.status, result: run.result } };
}

export async function runEventRoutes(app: FastifyInstance, options: RunEventsOptions): Promise<void> {
  const { runService, events, ...streamOptions } = options;
  const streams = createFollowedStreams(app, streamOptions);

  app.withTypeProvider<ZodTypeProvider>().get('/runs/:id/events', {
    schema: {
      summary: 'Follow a run live',
      description: 'Server-sent events (`text/event-stream`), each `data` one JSON object: `status` `{ runId, status, result }` '
        + 'first and at every change of status; `progress` `{ runId, progress, earlyStoppingState }` (as in the run view; '
        + 'also as `earlyStopping`, deprecated and kept for one version) after it when '
        + 'the run has progressed, then every ~250 ms while running; `metrics` `{ runId, firstStep, lastStep, count, rows }` after '
        + 'each stored slice, `rows` holding at most 256 of its `count` steps (evenly spaced, the last included; the rest from '
        + '`/metrics?from=firstStep&to=lastStep`), with `id: lastStep`; `end` `{}` when the run has finished; `reconnect` '
        + '`{ reason, retryMs }` when the server ends the stream early (a client reading too slowly, a shutdown, Redis unreachable, the API key revoked).',
      tags: ['runs'],
      params: z.object({ id: z.string().describe('The run id (a UUID).') }),
      querystring: eventStreamQueryParameters,
      response: {
        200: z.string().describe('An event stream: `event: <type>` and `data: <JSON>` per message.'),
        ...problemResponses(400, 401, 404, 429),
      },
    },
  }, async (request, reply) => {
    const tenantId = principalOf(request).tenantId;
    // Ownership first, so another tenant's run is a plain 404.
    const { id } = await runService.get(tenantId, request.params.id);
    await streams.follow(reply, {
      id,
      subscribe: (listener) => events.subscribe(runChannel(id), listener),
      read: () => runService.get(tenantId, id),
      isFinal: (run) => isFinalRunStatus(run.status),
      opening: (run) => [
        statusEvent(run),
        ...(run.progress === null ? [] : [{ event: 'progress', data: { runId: run.id, progress: run.progress, earlyStoppingState: run.earlyStopping, earlyStopping: run.earlyStopping } }]),
      ],
      closing: (run) => [statusEvent(run)],
      messageId: (message) => (message.type === 'metrics' && typeof message.lastStep === 'number' ? message.lastStep : undefined),
      endsWith: (message) => message.type === 'status' && typeof message.status === 'string' && isFinalRunStatus(message.status),
    });
  });
}
