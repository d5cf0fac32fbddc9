/**
 * A reconciler's candidates are repaired each on its own: an error of one candidate's (a job that
 * Redis holds in a form that no longer parses, a row a statement refuses) is logged with its id
 * and the pass goes on with the next ones and moves its position on. Were the pass to fail
 * instead, the next pass would read the same batch and fail on the same candidate again, and
 * every candidate after it would never be looked at. An outage (the database or Redis
 * unreachable) still ends the pass, which the next one repeats an interval later.
 */
import type { Logger } from '../config/logger.ts';
import { isInfrastructureError } from './outages.ts';

/** Runs `work` for the candidate `id`; an error of its own is logged, `id` added to `skipped`, and the result is undefined. */
export async function ofOneCandidate<T>(
  id: string, work: () => Promise<T>, { logger, skipped, what }: { logger: Pick<Logger, 'error'>; skipped: string[]; what: string },
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (isInfrastructureError(error)) throw error;
    logger.error({ err: error, id }, `${what} skipped a candidate it could not repair`);
    skipped.push(id);
    return undefined;
  }
}
