/**
 * `descent/client`: a typed client for a running Descent.
 *
 *   import { createClient } from 'descent/client';
 *   const descent = createClient({ url: 'http://127.0.0.1:3000', apiKey: process.env.DESCENT_API_KEY });
 *   const run = await descent.waitForRun((await descent.submitRun(spec)).id);
 */
export { AnswerTimeoutError, createClient, everyPage, longestAnswerTimeoutMs, type ClientOptions, type DescentClient, type SubmitOptions, type WaitOptions } from './client.ts';
export { followServerEvents, readServerEvents, type FollowOptions, type ServerEvent } from './event-stream.ts';
export { ProblemError, problemOf, type Problem } from './problem-error.ts';
export { idempotentSubmissions, refusedPort, retryingFetch, type RetryNotice, type RetryOptions } from './retry.ts';
export type * from './types.ts';
export type { components, paths } from './openapi-types.ts';
