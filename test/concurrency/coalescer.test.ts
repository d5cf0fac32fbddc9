import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coalescer, type Settled } from '../../src/concurrency/coalescer.ts';

/** A batch executor whose batches stay in flight until released, recording what it was given. */
function gated<Output>(answer: (input: number) => Settled<Output>) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const execute = async (inputs: readonly number[]) => {
    batches.push([...inputs]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return inputs.map(answer);
  };
  const releaseAll = async () => {
    while (gates.length) {
      gates.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, execute, releaseAll };
}

describe('Coalescer', () => {
  it('sends a lone call at once and groups the calls made while a batch is in flight', async () => {
    const { batches, execute, releaseAll } = gated((n) => ({ value: n * 10 }));
    const coalescer = new Coalescer(execute, { maxBatch: 100, concurrency: 1 });
    const first = coalescer.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => coalescer.submit(n));
    expect(batches).toEqual([[1]]);
    await releaseAll();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('with gatherTurn, sends the calls made in one turn of the event loop together, after the microtasks then due', async () => {
    const { batches, execute, releaseAll } = gated((n) => ({ value: n * 10 }));
    const coalescer = new Coalescer(execute, { maxBatch: 3, concurrency: 1, gatherTurn: true });
    const first = coalescer.submit(1);
    expect(batches).toEqual([]);
    // Calls made by promise continuations of the same turn (as runs woken by one reply make them).
    const later = Promise.resolve().then(() => Promise.resolve().then(() => [2, 3, 4].map((n) => coalescer.submit(n))));
    await new Promise((resolve) => process.nextTick(resolve));
    expect(batches).toEqual([[1, 2, 3]]);
    await releaseAll();
    expect(await first).toBe(10);
    expect(await Promise.all(await later)).toEqual([20, 30, 40]);
    // The call that did not fit went out once the first batch was answered, without waiting for another turn.
    expect(batches).toEqual([[1, 2, 3], [4]]);
    // A lone call in a later turn still goes out by itself.
    const fifth = coalescer.submit(5);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(batches).toEqual([[1, 2, 3], [4], [5]]);
    await releaseAll();
    expect(await fifth).toBe(50);
  });

  it('with gatherPhase, sends the calls made in separate callbacks of one phase of the event loop together', async () => {
    const { batches, execute, releaseAll } = gated((n) => ({ value: n * 10 }));
    const coalescer = new Coalescer(execute, { maxBatch: 8, concurrency: 1, gatherPhase: true });
    // Each call in a callback of its own, as requests read from several sockets in one poll pass.
    const calls = await new Promise<Promise<number>[]>((resolve) => {
      const made: Promise<number>[] = [];
      for (const n of [1, 2, 3]) setImmediate(() => made.push(coalescer.submit(n)));
      setImmediate(() => resolve(made));
    });
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2, 3]]);
    await releaseAll();
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
  });

  it('keeps at most `concurrency` batches in flight and at most `maxBatch` calls per batch', async () => {
    const { batches, execute, releaseAll } = gated((n) => ({ value: n }));
    const coalescer = new Coalescer(execute, { maxBatch: 2, concurrency: 2 });
    const calls = Array.from({ length: 7 }, (_, n) => coalescer.submit(n));
    expect(batches).toEqual([[0], [1]]);
    await releaseAll();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches).toEqual([[0], [1], [2, 3], [4, 5], [6]]);
  });

  it('with distinct, defers a call whose key its batch holds already to the next batch, in order', async () => {
    const { batches, execute, releaseAll } = gated((n) => ({ value: n }));
    const coalescer = new Coalescer(execute, { maxBatch: 3, concurrency: 1, gatherTurn: true, distinct: (n: number) => n % 10 });
    const calls = [1, 11, 2, 3, 21, 4, 12].map((n) => coalescer.submit(n));
    await releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    await releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    await releaseAll();
    expect(await Promise.all(calls)).toEqual([1, 11, 2, 3, 21, 4, 12]);
    expect(batches).toEqual([[1, 2, 3], [11, 4, 12], [21]]);
  });

  it('fails only the calls whose answer is an error, and every call of a batch that throws', async () => {
    const coalescer = new Coalescer(async (inputs: readonly number[]) => {
      if (inputs.includes(13)) throw new Error('unlucky batch');
      return inputs.map((n) => (n % 2 ? { error: new Error(`odd ${n}`) } : { value: n }));
    }, { maxBatch: 10, concurrency: 1 });
    await expect(coalescer.submit(2)).resolves.toBe(2);
    await expect(coalescer.submit(3)).rejects.toThrow('odd 3');
    await expect(coalescer.submit(13)).rejects.toThrow('unlucky batch');
    await expect(coalescer.submit(4)).resolves.toBe(4);
  });

  it('tries the calls of a failed batch again alone when the error may be one call\'s fault', async () => {
    const rowFault = Object.assign(new Error('row refused'), { code: '23503' });
    const batches: number[][] = [];
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new Coalescer(async (inputs: readonly number[]) => {
      batches.push([...inputs]);
      if (inputs.includes(0)) await gate;
      if (inputs.includes(13)) throw rowFault;
      if (inputs.includes(99)) throw new Error('connection lost');
      return inputs.map((n) => ({ value: n }));
    }, { maxBatch: 10, concurrency: 1, isolate: (error) => error === rowFault });
    const first = coalescer.submit(0);
    const calls = Promise.allSettled([1, 13, 2].map((n) => coalescer.submit(n)));
    release();
    expect(await first).toBe(0);
    expect((await calls).map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([1, 'row refused', 2]);
    expect(batches).toEqual([[0], [1, 13, 2], [1], [13], [2]]);
    // Any other error fails every call of its batch.
    await new Promise((resolve) => setImmediate(resolve));
    gate = new Promise<void>((resolve) => (release = resolve));
    const held = coalescer.submit(0);
    const others = [3, 99].map((n) => coalescer.submit(n).catch((error: Error) => error.message));
    release();
    await held;
    expect(await Promise.all(others)).toEqual(['connection lost', 'connection lost']);
  });

  it('fails a batch whose executor answers the wrong number of calls', async () => {
    const coalescer = new Coalescer(async () => [], { maxBatch: 10, concurrency: 1 });
    await expect(coalescer.submit(1)).rejects.toThrow('a batch of 1 got 0 answers');
  });

  it('refuses a batch size or concurrency below 1', () => {
    expect(() => new Coalescer(async () => [], { maxBatch: 0, concurrency: 1 })).toThrow(RangeError);
    expect(() => new Coalescer(async () => [], { maxBatch: 1, concurrency: 0 })).toThrow(RangeError);
  });

  it('answers every call with its own result, in any interleaving of calls and completions', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 3 }),
      async (delays, maxBatch, concurrency) => {
        let inFlight = 0;
        let most = 0;
        const coalescer = new Coalescer(async (inputs: readonly number[]) => {
          expect(inputs.length).toBeLessThanOrEqual(maxBatch);
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          return inputs.map((n) => ({ value: -n }));
        }, { maxBatch, concurrency });
        const calls: Promise<number>[] = [];
        for (const [n, delay] of delays.entries()) {
          for (let i = 0; i < delay; i++) await Promise.resolve();
          calls.push(coalescer.submit(n));
        }
        expect(await Promise.all(calls)).toEqual(delays.map((_, n) => -n));
        expect(most).toBeLessThanOrEqual(concurrency);
      },
    ), { numRuns: 200 });
  });
});
