/**
 * `descent sweep` ends with the ending that started its stop, as the service does (sweeps.stopping,
 * see endOnceSettled in plan-round.ts): whatever else comes to hold while its trials end, it is
 * the one its cancelled trials were told. Here a trial reaches the target after its sweep stopped
 * for too many failures: that trial is its best, and the sweep fails with too_many_failures.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import { runLocalSweep, type ThreadReply, type TrialThread } from '../../src/cli/sweep/local-sweep.ts';

const bootstrap = new URL('../../src/cli/sweep/thread-bootstrap.js', import.meta.url);

/**
 * A real trial thread whose records and result of a trial reach the sweep only once the sweep
 * has posted that trial's stop, in the order the thread posted them; its other messages (a
 * trial's error) as they come. So a trial that runs to its end always ends, for the sweep, after
 * the sweep stopped it, however fast it ran.
 */
function heldUntilStopped(): TrialThread {
  const worker = new Worker(bootstrap);
  const stopped = new Set<number>();
  const held: ThreadReply[] = [];
  const listeners: ((reply: ThreadReply) => void)[] = [];
  const deliver = (reply: ThreadReply) => {
    for (const listener of listeners) listener(reply);
  };
  worker.on('message', (reply: ThreadReply) => {
    if ((reply.type === 'records' || reply.type === 'result') && !stopped.has(reply.trialNumber)) held.push(reply);
    else deliver(reply);
  });
  return {
    postMessage(message) {
      worker.postMessage(message);
      if (message.type !== 'stop') return;
      stopped.add(message.trialNumber);
      // After the sweep's round that posted the stop, as a message from the thread would come.
      setImmediate(() => {
        for (const reply of held.splice(0)) deliver(reply);
      });
    },
    on(_, listener) {
      listeners.push(listener);
    },
    terminate: () => worker.terminate(),
  };
}

describe('a local sweep that stops its trials', () => {
  it('fails with too_many_failures when a trial it stopped for them reaches the target before its stop reaches it: that trial is its best', async () => {
    // Two trials side by side. One fails as its thread builds its objective (its validation split
    // leaves no training rows of 4,000); its failure stops the sweep (maxFailedTrials 0). The other
    // runs its 300 updates on 2,000 rows in one advance of its thread (no deadline: an advance
    // makes up to 20,000 updates), so it reads no stop before it completes, and its final loss
    // reaches the target; its thread's records and result reach the sweep only after its stop.
    const spec = settleSweepSpec(sweepSpecSchema.parse({
      base: {
        objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 4000 }, validationSplit: 0.5 },
        optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 300 }, record: { every: 100 },
      },
      parameters: { 'objective.validationSplit': { type: 'float', values: [0.99999, 0.5] } },
      metric: { name: 'finalLoss', target: 1e9 }, sampler: { type: 'grid' }, budget: { maxFailedTrials: 0 }, parallelism: 2,
    }), () => 1);
    const ends: string[] = [];
    const outcome = await runLocalSweep(spec, { threads: 2, advanceMs: Infinity, thread: heldUntilStopped, onTrialEnd: (trial) => ends.push(trial.status) });
    expect(ends).toEqual(['failed', 'completed']);
    const [completed, failed] = outcome.trials;
    expect(failed).toMatchObject({ status: 'failed', parameters: { 'objective.validationSplit': 0.99999 } });
    expect(completed).toMatchObject({ status: 'completed', stopReason: 'max_steps', steps: 300, parameters: { 'objective.validationSplit': 0.5 } });
    expect(outcome.status).toBe('failed');
    expect(outcome.result).toEqual({
      reason: 'too_many_failures',
      message: '1 trial failed, more than maxFailedTrials (0). The last: validationSplit 0.99999 leaves no training rows out of 4000',
    });
  });
});
