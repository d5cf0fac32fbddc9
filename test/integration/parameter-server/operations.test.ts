/**
 * The parameter server's operations against the real Redis: each is the simulation's equation,
 * bit for bit, over any number of shards; a resent exchange is applied once; steps are given
 * out up to the run's total and not after a stop; staleness is counted in the same operation;
 * concurrent exchanges lose nothing (each is computed from the state it commits to: a commit
 * against a changed or restored shard is refused and recomputed); a lost server says so; a state
 * restored is the state saved.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterServer, ServerLostError, type ServerAlgorithm } from '../../../src/parameter-server/parameter-server.ts';
import * as scripts from '../../../src/parameter-server/scripts.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { commandAfter } from '../support/late-commands.ts';
import { Random } from '../../../src/core/random.ts';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
const servers: ParameterServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.remove()));
  await closeRedis(redis);
});

/** How a shard updates: the arithmetic in the script (small shards), or optimistically (large ones), whatever the size. */
const modes = { 'in the script': Infinity, optimistic: 0 } as const;
type Mode = keyof typeof modes;

/** `replicas` 0: steps given first come, first served (as a server written before replicas had shares). */
async function open(algorithm: ServerAlgorithm, initial: Float64Array, shards: number, total = 1000, mode: Mode = 'optimistic', replicas = 0) {
  const server = new ParameterServer(redis, { prefix: `test-${randomUUID()}`, runId: randomUUID(), dimension: initial.length, shards, algorithm, scriptedShardSize: modes[mode] });
  servers.push(server);
  expect(await server.initialize(ParameterServer.freshState(algorithm, initial, shards, total, replicas), false)).toBe(server.shards);
  return server;
}

function vector(random: Random, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => (random.next() - 0.5) * scale);
}

describe.each([1, 3, 64].flatMap((shards) => (Object.keys(modes) as Mode[]).map((mode) => [shards, mode] as const)))('the parameter server over %i shard(s), updates %s', (shards, mode) => {
  const n = 157;

  it('downpour: x̃ ← x̃ + v_i and the pull, bit for bit, in one exchange; steps given τ at a time up to the total', async () => {
    const random = new Random(shards);
    const initial = vector(random, n);
    const server = await open('downpour', initial, shards, 10, mode);
    const into = new Float64Array(n);
    const first = await server.downpour(0, 1, 0, 0, 4, null, into);
    expect(first).toEqual({ version: 0, grant: 4 });
    expect(into).toEqual(initial);
    const displacement = vector(random, n, 1e-3);
    const second = await server.downpour(0, 2, 4, 0, 4, displacement, into);
    expect(second).toEqual({ version: 1, grant: 4 });
    expect(Array.from(into)).toEqual(Array.from(initial, (x, j) => x + displacement[j]));
    // The same exchange resent (a dropped connection): applied once, the same grant.
    expect(await server.downpour(0, 2, 4, 0, 4, displacement, into)).toEqual({ version: 1, grant: 4 });
    expect(Array.from(into)).toEqual(Array.from(initial, (x, j) => x + displacement[j]));
    // 8 of 10 steps given: 2 left, then none; a replica given none is done.
    expect((await server.downpour(1, 1, 0, 0, 4, null, into)).grant).toBe(2);
    expect((await server.downpour(1, 2, 2, 0, 4, vector(random, n, 1e-3), into)).grant).toBe(0);
    const status = await server.replicaStatus(1);
    expect(status).toMatchObject({ seq: 2, steps: 2, grant: 0, done: true, version: 2 });
    const state = await server.snapshot();
    // Replica 0 pushed at version 0 having pulled 0; replica 1 at version 1 having pulled 0.
    expect(state.meta[0]).toMatchObject({ 'st:0': '1', 'st:1': '1', claimed: '10', total: '10' });
  });

  it('easgd: e = α(x_i − x̃), x̃ ← x̃ + e, returning x̃ before it, bit for bit', async () => {
    const random = new Random(10 + shards);
    const initial = vector(random, n);
    const server = await open('easgd', initial, shards, 1000, mode);
    const alpha = 0.37;
    const params = vector(random, n);
    const before = new Float64Array(n);
    const reply = await server.elastic(2, 1, 0, alpha, 3, params, before);
    expect(reply).toEqual({ version: 1, grant: 3 });
    expect(before).toEqual(initial);
    const state = await server.snapshot();
    expect(state.vectors[0]).toEqual(Array.from(initial, (c, j) => c + alpha * (params[j] - c)));
    expect(state.meta[0]).toMatchObject({ 'st:0': '1', 'last:2': '1', 'steps:2': '0' });
  });

  it('adaptive-revision: the read and McMahan & Streeter\'s update, bit for bit with the simulation\'s arithmetic', async () => {
    const random = new Random(20 + shards);
    const initial = vector(random, n);
    const server = await open('adaptive-revision', initial, shards, 1000, mode);
    const [alpha, beta] = [0.3, 1e-7];
    const w = new Float64Array(n);
    const gsum = new Float64Array(n);
    const w0 = new Float64Array(n);
    const read = await server.read(0, w0, gsum);
    expect(read).toEqual({ version: 0, grant: 1 });
    const g1 = vector(random, n);
    const g2 = vector(random, n);
    // Two gradients read at version 0; the second applied after the first, with g_bck = g1.
    await server.read(1, w, new Float64Array(n));
    expect(await server.apply(0, 1, 0, alpha, beta, g1, gsum)).toBe(1);
    expect(await server.apply(1, 1, 0, alpha, beta, g2, gsum)).toBe(2);
    const expected = Float64Array.from(initial);
    const [sum, z, zMax] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (const g of [g1, g2]) {
      for (let j = 0; j < n; j++) {
        const backlog = sum[j] - 0;
        const rateBefore = alpha / (beta + Math.sqrt(zMax[j]));
        z[j] = z[j] + g[j] * g[j] + 2 * g[j] * backlog;
        zMax[j] = Math.max(zMax[j], z[j]);
        const root = beta + Math.sqrt(zMax[j]);
        expected[j] = expected[j] - (alpha * g[j]) / root + (rateBefore - alpha / root) * backlog;
        sum[j] += g[j];
      }
    }
    const state = await server.snapshot();
    expect(state.vectors).toEqual([Array.from(expected), Array.from(sum), Array.from(z), Array.from(zMax)]);
    expect(state.meta[0]).toMatchObject({ 'st:0': '1', 'st:1': '1', 'steps:0': '1', 'steps:1': '1' });
  });
});

describe.each(Object.keys(modes) as Mode[])('the parameter server under concurrency, updates %s', (mode) => {
  it('many replicas pushing at once: every displacement lands, each exchange atomic', async () => {
    const n = 1000;
    const server = await open('downpour', new Float64Array(n), 4, 1_000_000, mode);
    const connections = Array.from({ length: 4 }, () => createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis'));
    try {
      const replicas = connections.map((connection) => new ParameterServer(connection, server.options));
      const ones = new Float64Array(n).fill(1);
      await Promise.all(replicas.map(async (replica, r) => {
        const into = new Float64Array(n);
        for (let seq = 1; seq <= 50; seq++) await replica.downpour(r, seq, 1, 0, 1, ones, into);
      }));
      const state = await server.snapshot();
      expect(new Set(state.vectors[0])).toEqual(new Set([200]));
      expect(state.meta.map((meta) => meta.version)).toEqual(['200', '200', '200', '200']);
    } finally {
      await Promise.all(connections.map(closeRedis));
    }
  });

  it('many clients updating one shard at once: every easgd exchange and AdaptiveRevision update applies, none to a state it was not computed from', async () => {
    const n = 64;
    const clients = 8;
    const each = 5;
    const connections = Array.from({ length: clients }, () => createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis'));
    try {
      // easgd with every x_i = 1 and α = 1/2: whatever the order, m exchanges leave x̃ = 1 − 2^−m (from 0).
      const elastic = await open('easgd', new Float64Array(n), 1, 1_000_000, mode);
      await Promise.all(connections.map(async (connection, r) => {
        const replica = new ParameterServer(connection, elastic.options);
        const before = new Float64Array(n);
        for (let seq = 1; seq <= each; seq++) await replica.elastic(r, seq, 1, 0.5, 1, new Float64Array(n).fill(1), before);
      }));
      let center = 0;
      for (let m = 0; m < clients * each; m++) center = center + 0.5 * (1 - center);
      const elasticState = await elastic.snapshot();
      expect(new Set(elasticState.vectors[0])).toEqual(new Set([center]));
      expect(elasticState.meta[0].version).toBe(String(clients * each));

      // AdaptiveRevision: ḡ is the sum of every gradient applied, whatever the order.
      const revision = await open('adaptive-revision', new Float64Array(n), 1, 1_000_000, mode);
      await Promise.all(connections.map(async (connection, r) => {
        const replica = new ParameterServer(connection, revision.options);
        const [w, sum] = [new Float64Array(n), new Float64Array(n)];
        for (let seq = 1; seq <= each; seq++) {
          const read = await replica.read(r, w, sum);
          await replica.apply(r, seq, read.version, 0.1, 1e-7, new Float64Array(n).fill(r + 1), sum);
        }
      }));
      const revisionState = await revision.snapshot();
      const total = Array.from({ length: clients }, (_, r) => (r + 1) * each).reduce((a, b) => a + b, 0);
      expect(new Set(revisionState.vectors[1])).toEqual(new Set([total]));
      expect(revisionState.meta[0].version).toBe(String(clients * each));
      const histogram = Object.entries(revisionState.meta[0]).filter(([field]) => field.startsWith('st:'));
      expect(histogram.reduce((sum, [, count]) => sum + Number(count), 0)).toBe(clients * each);
    } finally {
      await Promise.all(connections.map(closeRedis));
    }
  });

});

describe('an optimistic update that tries again', () => {
  const n = 8;
  /** Another replica's exchanges (replica 1), each changing the shard. */
  function rival(server: ParameterServer) {
    const other = new ParameterServer(redis, server.options);
    const into = new Float64Array(n);
    let seq = 0;
    return () => other.downpour(1, ++seq, 1, 0, 1, new Float64Array(n).fill(1), into);
  }

  it('tells its progress at each try of a commit that lost to another replica\'s, and lands once', async () => {
    const server = await open('downpour', new Float64Array(n), 1, 1_000_000, 'optimistic');
    const exchange = rival(server);
    // Replica 0's first five commits each find the shard changed by replica 1's exchange since it was read.
    const losing = new ParameterServer(commandAfter(redis, 'psDownpourCommit', (call) => (call <= 5 ? exchange() : undefined)), server.options);
    let tries = 0;
    const into = new Float64Array(n);
    await losing.withProgress(() => void tries++).downpour(0, 1, 1, 0, 1, new Float64Array(n).fill(0.5), into);
    expect(tries).toBe(5);
    // Replica 1's five exchanges and replica 0's one.
    expect(new Set((await server.snapshot()).vectors[0])).toEqual(new Set([5.5]));
    // A server without progress told tries again as well.
    const plain = new ParameterServer(commandAfter(redis, 'psDownpourCommit', (call) => (call <= 2 ? exchange() : undefined)), server.options);
    await plain.downpour(0, 2, 1, 0, 1, new Float64Array(n).fill(0.5), into);
    expect(new Set((await server.snapshot()).vectors[0])).toEqual(new Set([8]));
  });

  it('tells its progress at each try of an exact read of a shard that changed as it read', async () => {
    const server = await open('downpour', new Float64Array(n), 1, 1_000_000, 'optimistic');
    const exchange = rival(server);
    // A pull alone (no steps to push) reads the shard exactly: its version before and after the vector.
    // The first four reads find it changed in between (replica 1's exchange lands before the second look).
    const reading = new ParameterServer(commandAfter(redis, 'hmget', (call) => (call % 2 === 0 && call <= 8 ? exchange() : undefined)), server.options);
    let tries = 0;
    const into = new Float64Array(n);
    const reply = await reading.withProgress(() => void tries++).downpour(0, 1, 0, 0, 1, null, into);
    expect(tries).toBe(4);
    expect(reply.version).toBe(4);
    expect(new Set(into)).toEqual(new Set([4]));
  });
});

describe('the parameter server under loss', () => {
  it('a commit computed from a state read before a restore is refused, and what it staged is dropped', async () => {
    const server = await open('downpour', Float64Array.of(1, 2, 3), 1);
    const [w, meta] = server.allKeys();
    const [epoch, version] = await redis.hmget(meta, 'epoch', 'version');
    const saved = await server.snapshot();
    await server.remove();
    expect(await server.initialize(saved, false)).toBe(1);
    expect(await redis.hget(meta, 'version')).toBe(version);
    const staged = `${w}:staged-by-test`;
    await redis.set(staged, Buffer.from(Float64Array.of(9, 9, 9).buffer));
    const reply = await redis.eval(scripts.downpourCommit, 3, w, meta, staged, 0, 1, `${epoch}:${version}`, 1, '1', 1, 0);
    expect(reply).toEqual(['conflict', 0, 0]);
    expect(await redis.exists(staged)).toBe(0);
    expect(await server.snapshot()).toEqual(saved);
  });

  it('a stop gives no more steps; a lost server is reported and restored from a saved state', async () => {
    const server = await open('easgd', Float64Array.of(1, 2, 3), 2);
    const before = new Float64Array(3);
    await server.elastic(0, 1, 0, 0.5, 2, Float64Array.of(3, 2, 1), before);
    await server.stop();
    expect((await server.elastic(0, 2, 2, 0.5, 2, Float64Array.of(3, 2, 1), before)).grant).toBe(0);
    const saved = await server.snapshot();
    await server.remove();
    await expect(server.elastic(1, 1, 0, 0.5, 2, Float64Array.of(0, 0, 0), before)).rejects.toBeInstanceOf(ServerLostError);
    await expect(server.snapshot()).rejects.toBeInstanceOf(ServerLostError);
    expect(await server.initialize(saved, false)).toBe(2);
    // A shard still present is kept unless replaced.
    expect(await server.initialize(ParameterServer.freshState('easgd', [0, 0, 0], 2, 5, 2), false)).toBe(0);
    expect(await server.snapshot()).toEqual(saved);
  });

  it.each(Object.keys(modes) as Mode[])('replicas share the total: each is given at most its share, ⌈(total − i)/p⌉, whatever τ and whoever comes first (updates %s)', async (mode) => {
    const n = 5;
    const into = new Float64Array(n);
    // 4 replicas, τ far above the total: the first to come is given its 50,000 steps, not all 200,000.
    const downpour = await open('downpour', new Float64Array(n), 1, 200_000, mode, 4);
    expect((await downpour.downpour(0, 1, 0, 0, 1_000_000, null, into)).grant).toBe(50_000);
    expect((await downpour.downpour(0, 2, 50_000, 0, 1_000_000, Float64Array.from({ length: n }, () => 1e-3), into)).grant).toBe(0);
    expect(await downpour.replicaStatus(0)).toMatchObject({ steps: 50_000, done: true });
    for (let replica = 1; replica < 4; replica++) expect((await downpour.downpour(replica, 1, 0, 0, 1_000_000, null, into)).grant).toBe(50_000);
    // 10 steps over 4 replicas: 3, 3, 2, 2, τ at a time.
    const elastic = await open('easgd', new Float64Array(n), 1, 10, mode, 4);
    const given = [0, 0, 0, 0];
    for (let replica = 0; replica < 4; replica++) {
      let grant = (await elastic.elastic(replica, 1, 0, 0.1, 2, new Float64Array(n), into)).grant;
      for (let seq = 2; grant > 0; seq++) {
        given[replica] += grant;
        grant = (await elastic.elastic(replica, seq, grant, 0.1, 2, new Float64Array(n), into)).grant;
      }
    }
    expect(given).toEqual([3, 3, 2, 2]);
    // AdaptiveRevision: one step at a time, the same shares.
    const revision = await open('adaptive-revision', new Float64Array(n), 1, 5, mode, 2);
    const steps = [0, 0];
    for (let replica = 0; replica < 2; replica++) {
      for (let seq = 1; (await revision.read(replica, new Float64Array(n), new Float64Array(n))).grant > 0; seq++) {
        await revision.apply(replica, seq, 0, 0.1, 1e-7, new Float64Array(n), new Float64Array(n));
        steps[replica]++;
      }
    }
    expect(steps).toEqual([3, 2]);
  });

  it.each(Object.keys(modes) as Mode[])('a server written back from an older state while its replicas go on still gives out exactly the total (updates %s)', async (mode) => {
    const n = 4;
    const server = await open('downpour', new Float64Array(n), 1, 100, mode, 2);
    const into = new Float64Array(n);
    const push = Float64Array.from({ length: n }, () => 1e-3);
    const seq = [0, 0];
    const pending = [0, 0];
    const exchange = async (replica: number) => {
      seq[replica]++;
      const reply = await server.downpour(replica, seq[replica], pending[replica], 0, 30, pending[replica] > 0 ? push : null, into);
      pending[replica] = reply.grant;
      return reply.grant;
    };
    expect([await exchange(0), await exchange(1)]).toEqual([30, 30]);
    const older = await server.snapshot(); // the coordinator's newest read: 60 steps claimed, none pushed
    expect([await exchange(0), await exchange(1)]).toEqual([20, 20]);
    // Redis loses the server and the coordinator writes back the state it read; the replicas go on
    // from where they are (the 30 steps each pushed since are lost with the server, made again).
    await server.remove();
    await server.initialize(older, false);
    while (pending[0] > 0 || pending[1] > 0) for (const replica of [0, 1]) if (pending[replica] > 0) await exchange(replica);
    for (const replica of [0, 1]) await exchange(replica);
    const meta = await server.accounting();
    expect([Number(meta['steps:0']), Number(meta['steps:1'])]).toEqual([50, 50]);
  });

  it('a server that gave steps first come, first served before it had shares stays within the total', async () => {
    const n = 3;
    const into = new Float64Array(n);
    const push = new Float64Array(n);
    // 3 replicas, 3001 steps: replica 0 took 2100 first come, past its share of 1001.
    const server = await open('downpour', new Float64Array(n), 1, 3001, 'in the script', 0);
    expect((await server.downpour(0, 1, 0, 0, 2100, null, into)).grant).toBe(2100);
    const saved = await server.snapshot();
    // As a run restored from its checkpoint marks it.
    await server.initialize({ ...saved, meta: [{ ...saved.meta[0], replicas: '3', firstCome: '1' }] }, true);
    const given = [0, 0, 0];
    for (const replica of [1, 2, 0]) {
      let grant = (await server.downpour(replica, replica === 0 ? 2 : 1, replica === 0 ? 2100 : 0, 0, 700, replica === 0 ? push : null, into)).grant;
      for (let seq = replica === 0 ? 3 : 2; grant > 0; seq++) {
        given[replica] += grant;
        grant = (await server.downpour(replica, seq, grant, 0, 700, push, into)).grant;
      }
    }
    // Replicas 1 and 2 share what is left, 901 of 3001; replica 0 is given none.
    expect(given).toEqual([0, 901, 0]);
    const meta = await server.accounting();
    expect([0, 1, 2].reduce((sum, replica) => sum + Number(meta[`steps:${replica}`] ?? 0), 0)).toBe(3001);
  });

  it('keys given a time to live keep it through exchanges', async () => {
    const server = await open('adaptive-revision', Float64Array.of(1, 2), 1);
    await server.expire(3600);
    await server.read(0, new Float64Array(2), new Float64Array(2));
    await server.apply(0, 1, 0, 0.1, 1e-7, Float64Array.of(0.5, -0.5), new Float64Array(2));
    for (const key of server.allKeys()) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });
});
