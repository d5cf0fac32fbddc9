/**
 * One tenant's heavy inspections do not hold another tenant's requests: while tenant A has four
 * checks of a model on a large built-in dataset in flight (each a second or more of a thread),
 * tenant B's check of `x^2`, B's submission of a run of a three-row model and B's own heavy check
 * are answered while A still has most of its checks unanswered. No wall-clock bound: what is
 * compared is how many of A's checks were still unanswered when each of B's answers came. When
 * the threads took requests in the order they came, B's requests waited behind two of A's.
 * Also: the same heavy check sent three times at once is made once: all three are answered
 * together, where one after the other each would wait for the one before.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { createTenantKey } from '../support/services.ts';

/** A logistic model on 100,000 sparse rows: one to a few seconds of a thread to build and check. */
const heavy = (seed: number) => ({ type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows: 100_000, columns: 10_000, seed } });

describe("one tenant's heavy inspections and another tenant's requests", () => {
  const api = useTestApi();

  function post(authorization: string, url: string, payload: object) {
    return api.app.inject({ method: 'POST', url, headers: { authorization }, payload });
  }

  it("answers B's small and heavy requests while A still has most of its four heavy checks unanswered", async () => {
    const b = (await createTenantKey(api.services.database, 'b')).authorization;
    let unanswered = 4;
    const a = [1, 2, 3, 4].map((seed) => post(api.authorization, '/v1/objectives/check', { objective: heavy(seed) }).then((response) => {
      unanswered--;
      return response;
    }));
    // A's checks reach the threads first.
    await sleep(100);
    /** B's request, and how many of A's were unanswered when its answer came. */
    const meanwhile = (url: string, payload: object) => post(b, url, payload).then((response) => ({ response, unanswered }));
    const [check, run, heavyCheck] = await Promise.all([
      meanwhile('/v1/objectives/check', { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } }),
      meanwhile('/v1/runs', {
        objective: { type: 'model', model: 'linear', data: { features: [[1], [2], [3]], targets: [1, 2, 3] } },
        optimizer: { name: 'sgd', learningRate: 0.01 },
        training: { maxSteps: 10 },
      }),
      meanwhile('/v1/objectives/check', { objective: heavy(5) }),
    ]);
    expect(check.response.statusCode, check.response.body).toBe(200);
    expect(run.response.statusCode, run.response.body).toBe(201);
    expect(heavyCheck.response.statusCode, heavyCheck.response.body).toBe(200);
    expect(check.unanswered).toBeGreaterThanOrEqual(3);
    expect(run.unanswered).toBeGreaterThanOrEqual(3);
    expect(heavyCheck.unanswered).toBeGreaterThanOrEqual(2);
    for (const response of await Promise.all(a)) expect(response.statusCode, response.body).toBe(200);
  }, 120_000);

  it('makes the same heavy check sent three times at once once, answering all three alike and together', async () => {
    const sent = performance.now();
    const checks = await Promise.all([0, 1, 2].map(() => post(api.authorization, '/v1/objectives/check', { objective: heavy(9) })
      .then((response) => ({ response, tookMs: performance.now() - sent }))));
    for (const { response } of checks) expect(response.statusCode, response.body).toBe(200);
    for (const { response } of checks.slice(1)) expect(response.json()).toEqual(checks[0].response.json());
    const took = checks.map(({ tookMs }) => tookMs);
    // Made one after the other, the last would take about three times the first.
    expect(Math.max(...took) - Math.min(...took)).toBeLessThan(Math.min(...took) / 2);
  }, 120_000);
});
