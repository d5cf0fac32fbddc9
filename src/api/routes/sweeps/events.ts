/**
 * GET /v1/sweeps/{id}/events: server-sent events for one sweep, followed as a run's are
 * (server-sent-events/followed-streams.ts). Each message is `event: <type>` and `data: <one JSON
 * object>`, in the shapes the coordinator and the workers publish (src/queue/sweep-events.ts):
 *
 *   sweep     { sweepId, status, result }: first, from the stored sweep; then after every
 *             coordination round that started trials or ended the sweep, and when it is
 *             cancelled. `result` (why it ended) is null until the sweep has ended.
 *   trial     { sweepId, runId, trialNumber, status }: when one of its trials has ended, once,
 *             with its final status (`completed`, `pruned`, `diverged`, `failed`, …; `ended` only
 *             from a worker of an earlier release, see sweep-events.ts); the trial is a run:
 *             GET /v1/runs/{runId}, or its row in the leaderboard, has the rest.
 *   end       {}: the sweep has reached a final status; the stream closes.
 *   reconnect { reason, retryMs }: the server ends the stream early, as for a run.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isFinalSweepStatus, type SweepView } from '../../../contracts/sweep-view.ts';
import type { EventHub } from '../../../queue/event-hub.ts';
import { sweepChannel } from '../../../queue/sweep-events.ts';
import { problemResponses } from '../../errors/problem.ts';
import { principalOf } from '../../plugins/authentication.ts';
import { createFollowedStreams, type FollowedStreamsOptions } from '../../server-sent-events/followed-streams.ts';
import type { SweepService } from './sweep-service.ts';
import { eventStreamQueryParameters } from '../../plugins/validator-compiler.ts';

export interface SweepEventsOptions extends FollowedStreamsOptions {
  readonly sweepService: SweepService;
  readonly events: EventHub;
}

/** A `sweep` event from the stored sweep: the shape the coordinator publishes. */
const sweepEvent = (sweep: SweepView) => ({ event: 'sweep', data: { sweepId: sweep.id, status: sweep.status, result: sweep.result } });

export async function sweepEventRoutes(app: FastifyInstance, options: SweepEventsOptions): Promise<void> {
  const { sweepService, events, ...streamOptions } = options;
  const streams = createFollowedStreams(app, streamOptions);

  app.withTypeProvider<ZodTypeProvider>().get('/sweeps/:id/events', {
    schema: {
      summary: 'Follow a sweep live',
      description: 'Server-sent events (`text/event-stream`), each `data` one JSON object: `sweep` `{ sweepId, status, result }` '
        + 'first and after every coordination round that started trials or ended the sweep; `trial` `{ sweepId, runId, '
        + 'trialNumber, status }` when one of its trials has ended, told once, with its final status; `end` `{}` when the sweep '
        + 'has finished (its final `sweep` event told once, a minute or more late when its ender did not tell it: a cancel answered while Redis was unreachable, a worker that stopped first); `reconnect` `{ reason, retryMs }` when the server ends the stream early (a client reading too slowly, '
        + 'a shutdown). A client that reconnects opens with the sweep\'s state afresh. A client must still accept a `trial` '
        + 'status `ended`, which only a worker of an earlier release sends (during an upgrade): it said so, without reading how, '
        + 'of a trial it did not end itself (another worker that took the trial over may still be running it), besides the '
        + 'final status its ender told; read the run for how it ended.',
      tags: ['sweeps'],
      params: z.object({ id: z.string().describe('The sweep id (a UUID).') }),
      querystring: eventStreamQueryParameters,
      response: {
        200: z.string().describe('An event stream: `event: <type>` and `data: <JSON>` per message.'),
        ...problemResponses(400, 401, 404, 429),
      },
    },
  }, async (request, reply) => {
    const tenantId = principalOf(request).tenantId;
    // Ownership first, so another tenant's sweep is a plain 404.
    const { id } = await sweepService.get(tenantId, request.params.id);
    await streams.follow(reply, {
      id,
      subscribe: (listener) => events.subscribe(sweepChannel(id), listener),
      read: () => sweepService.get(tenantId, id),
      isFinal: (sweep) => isFinalSweepStatus(sweep.status),
      opening: (sweep) => [sweepEvent(sweep)],
      closing: (sweep) => [sweepEvent(sweep)],
      messageId: () => undefined,
      endsWith: (message) => message.type === 'sweep' && typeof message.status === 'string' && isFinalSweepStatus(message.status),
    });
  });
}
