/**
 * The planning thread's entry: plans each round it is sent (plan-round.ts) and answers with the
 * plan, or with the message of what the planning threw.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../core/error-message.ts';
import { planRound } from './plan-round.ts';
import type { PlanningRequest } from './round-planner.ts';

parentPort!.on('message', ({ id, sweep, trials, now }: PlanningRequest) => {
  try {
    parentPort!.postMessage({ id, plan: planRound(sweep, trials, now) });
  } catch (error) {
    parentPort!.postMessage({ id, problem: errorMessage(error) });
  }
});
