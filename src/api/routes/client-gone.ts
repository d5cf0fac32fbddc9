/**
 * A signal that aborts when a request's connection closes before its answer was sent: the client
 * went away, and work waiting its turn on the request's behalf (an objective inspection queued for
 * the objective threads) is dropped rather than done for nobody. The reason is a 400 problem,
 * which nobody reads (there is no connection to write it to) and the log does not count as a fault.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors/app-error.ts';

export function clientGone(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  const response = reply.raw;
  response.once('close', () => {
    if (response.writableEnded) return;
    gone.abort(new AppError(400, 'bad_request', 'The client went away', {
      detail: 'The connection closed before the answer was ready; the request was dropped.',
    }));
  });
  return gone.signal;
}
