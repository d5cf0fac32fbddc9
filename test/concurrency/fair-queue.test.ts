/**
 * The fair queue starts the tenants' tasks in turns, a tenant at most `perTenant` at once, the
 * tasks of each in the order they came; it refuses a task beyond `maxWaiting` waiting, and drops
 * a waiting task whose signal aborts. Tasks are promises the test settles by hand.
 */
import { describe, expect, it } from 'vitest';
import { createFairQueue } from '../../src/concurrency/fair-queue.ts';

/** A queue whose tasks are held until released; `started` lists the tasks in the order they started. */
function heldQueue(slots: number, perTenant: number, maxWaiting = 100) {
  const queue = createFairQueue({ slots, perTenant, maxWaiting, busy: (tenant, mean) => new Error(`busy ${tenant} ${mean}`) });
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const submit = (tenant: string, name: string, signal?: AbortSignal) => queue.run(tenant, () => {
    started.push(name);
    return new Promise<string>((resolve) => releases.set(name, () => resolve(name)));
  }, signal);
  const release = async (name: string) => {
    releases.get(name)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { submit, release, started };
}

describe('fair queue', () => {
  it("starts another tenant's task before a tenant's next, and a tenant's tasks in their order", async () => {
    const { submit, release, started } = heldQueue(2, 1);
    const answers = ['a1', 'a2', 'a3', 'a4'].map((name) => submit('a', name));
    const b = submit('b', 'b1');
    const c = submit('c', 'c1');
    // a holds one slot of two; b takes the other at once.
    expect(started).toEqual(['a1', 'b1']);
    await release('a1');
    // c had none yet: its turn comes before a's second.
    expect(started).toEqual(['a1', 'b1', 'c1']);
    await release('b1');
    await release('c1');
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2']);
    for (const name of ['a2', 'a3', 'a4']) await release(name);
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'a4']);
    expect(await Promise.all([...answers, b, c])).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'c1']);
  });

  it('gives a tenant that went idle between its tasks its turn after those served before it, not at the front', async () => {
    const { submit, release, started } = heldQueue(1, 1);
    const tasks = [...['a1', 'a2', 'a3'].map((name) => submit('a', name)), ...['b1', 'b2'].map((name) => submit('b', name)), submit('c', 'c1')];
    for (const name of ['a1', 'b1', 'c1']) await release(name);
    // c has nothing running or waiting; it sends its next while a2 runs.
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2']);
    tasks.push(submit('c', 'c2'));
    for (const name of ['a2', 'b2', 'c2', 'a3']) await release(name);
    // Coming back in front, c would have had two turns to b's one.
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3']);
    await Promise.all(tasks);
  });

  it('refuses a task beyond the waiting bound with the error it is given, and takes one again once one has started', async () => {
    const { submit, release } = heldQueue(1, 1, 2);
    const tasks = ['a1', 'a2', 'a3'].map((name) => submit('a', name));
    await expect(submit('a', 'a4')).rejects.toThrow(/^busy a /);
    // Another tenant has its own bound.
    const b = [submit('b', 'b1')];
    await release('a1');
    // b1 started: b has room for two waiting again.
    b.push(submit('b', 'b2'), submit('b', 'b3'));
    await expect(submit('b', 'b4')).rejects.toThrow(/^busy b \d/);
    for (const name of ['b1', 'a2', 'b2', 'a3', 'b3']) await release(name);
    expect(await Promise.all([...tasks, ...b])).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  });

  it('drops a waiting task whose signal aborts, and not a started one', async () => {
    const { submit, release, started } = heldQueue(1, 1);
    const first = new AbortController();
    const second = new AbortController();
    const running = submit('a', 'a1', first.signal);
    const waiting = submit('a', 'a2', second.signal);
    const after = submit('a', 'a3');
    second.abort(new Error('gone'));
    first.abort(new Error('gone too'));
    await expect(waiting).rejects.toThrow('gone');
    await release('a1');
    expect(await running).toBe('a1');
    await release('a3');
    expect(await after).toBe('a3');
    expect(started).toEqual(['a1', 'a3']);
  });

  it('frees the slot of a task that throws or rejects', async () => {
    const queue = createFairQueue({ slots: 1, perTenant: 1, maxWaiting: 10, busy: () => new Error('busy') });
    const thrown = queue.run('a', () => {
      throw new Error('thrown');
    });
    const rejected = queue.run('a', () => Promise.reject(new Error('rejected')));
    const next = queue.run('a', () => Promise.resolve('next'));
    await expect(thrown).rejects.toThrow('thrown');
    await expect(rejected).rejects.toThrow('rejected');
    expect(await next).toBe('next');
  });
});
