/**
 * A signal that aborts when a request's connection closes before its answer was sent, made when
 * first asked for (an inspection made on the event loop never asks), and aborted at once if the
 * connection had closed already: the client
 * went away, and work waiting its turn on the request's behalf (an objective inspection queued for
 * the objective threads) is dropped rather than done for nobody. The reason is a 400 problem,
 * which nobody reads (there is no connection to write it to) and the log does not count as a fault.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { ClientSignal } from '../objective-thread/objective-thread.ts';

/** Why work for a client that went away is dropped: a 400 that nobody reads. */
export const clientWentAway = () => new AppError(400, 'bad_request', 'The client went away', {
  detail: 'The connection closed before the answer was ready; the request was dropped.',
});

export function clientGone(reply: FastifyReply): ClientSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const gone = new AbortController();
    signal = gone.signal;
    const response = reply.raw;
    onceClosed(response, () => {
      if (!response.writableEnded) gone.abort(clientWentAway());
    });
    return signal;
  };
}

/** An answer that closes once it was sent or its client left (a request's `reply.raw`). */
export interface ClosingResponse {
  readonly destroyed?: boolean;
  readonly socket?: { readonly destroyed: boolean } | null;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Calls `listener` once `response` has closed: at once when it has closed already (its client
 * left before anyone listened, and its 'close' has been emitted), else on its 'close'.
 */
export function onceClosed(response: ClosingResponse, listener: () => void): void {
  if (response.destroyed === true || response.socket?.destroyed === true) listener();
  else response.once('close', listener);
}
