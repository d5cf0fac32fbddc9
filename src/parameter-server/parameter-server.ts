/**
 * A run's parameter server in Redis (concurrent downpour, easgd and adaptive-revision): the
 * center/server vector x̃ (or w), and for adaptive-revision ḡ, z and z′, as binary float64
 * strings sharded over `shards` contiguous ranges of coordinates. Shard k's keys share the hash
 * tag {<prefix>:ps:<run>:<k>}, so a Redis Cluster spreads the shards over its nodes while every
 * operation on one shard stays on one node and is one atomic script (scripts.ts). An exchange of
 * a replica is one such operation per shard; shard 0's also does the run's accounting (steps
 * given and pushed, staleness), so a replica's progress is never apart from its exchange.
 */
import { endianness } from 'node:os';
import type { Redis } from 'ioredis';
import * as scripts from './scripts.ts';

if (endianness() !== 'LE') throw new Error('The parameter server stores little-endian float64: this machine is big-endian.');

export type ServerAlgorithm = 'downpour' | 'easgd' | 'adaptive-revision';

/** Redis lost the server's keys (a restart without persistence): restore it from the run's checkpoint. */
export class ServerLostError extends Error {
  override readonly name = 'ServerLostError';
}

/** Everything the server holds, as a checkpoint keeps it: each vector whole, each shard's meta hash. */
export interface ServerState {
  readonly vectors: readonly number[][];
  readonly meta: readonly Record<string, string>[];
}

export interface ExchangeReply {
  /** Shard 0's version after the exchange. */
  readonly version: number;
  /** Local steps the replica may make before its next exchange (0: it is done). */
  readonly grant: number;
}

/** The vectors each algorithm keeps: w first. */
const vectorNames: Readonly<Record<ServerAlgorithm, readonly string[]>> = {
  downpour: ['w'],
  easgd: ['w'],
  'adaptive-revision': ['w', 'g', 'z', 'zm'],
};

interface ScriptCommands {
  psDownpourBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, number, number]>;
  psElasticBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, number, number]>;
  psReadBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, Buffer, number, number]>;
  psApply(...args: (string | Buffer | number)[]): Promise<number>;
  psInitialize(...args: (string | Buffer | number)[]): Promise<number>;
  psSnapshotBuffer(...args: (string | Buffer | number)[]): Promise<(Buffer | Buffer[])[]>;
}

/** Registers the scripts on a connection (once; ioredis sends EVALSHA and reloads them after a Redis restart). */
function withScripts(redis: Redis): Redis & ScriptCommands {
  const commands = redis as Redis & ScriptCommands & { psDefined?: boolean };
  if (commands.psDefined) return commands;
  redis.defineCommand('psDownpour', { numberOfKeys: 2, lua: scripts.downpourExchange });
  redis.defineCommand('psElastic', { numberOfKeys: 2, lua: scripts.elasticExchange });
  redis.defineCommand('psRead', { numberOfKeys: 3, lua: scripts.revisionRead });
  redis.defineCommand('psApply', { numberOfKeys: 5, lua: scripts.revisionApply });
  redis.defineCommand('psInitialize', { lua: scripts.initialize });
  redis.defineCommand('psSnapshot', { lua: scripts.snapshot });
  commands.psDefined = true;
  return commands;
}

function bytes(vector: Float64Array, start: number, end: number): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset + start * 8, (end - start) * 8);
}

/** Copies a reply's float64 bytes into target[start…]. */
function copyInto(reply: Buffer, target: Float64Array, start: number): void {
  reply.copy(new Uint8Array(target.buffer, target.byteOffset + start * 8, reply.length));
}

function rethrow(error: unknown): never {
  if (error instanceof Error && error.message.includes('LOST')) throw new ServerLostError('Redis no longer holds the parameter server state.');
  throw error;
}

export class ParameterServer {
  readonly shards: number;
  /** Shard k holds coordinates [starts[k], starts[k + 1]). */
  readonly starts: readonly number[];
  private readonly redis: Redis & ScriptCommands;
  private readonly tags: readonly string[];

  constructor(
    redis: Redis,
    readonly options: { readonly prefix: string; readonly runId: string; readonly dimension: number; readonly shards: number; readonly algorithm: ServerAlgorithm },
  ) {
    this.redis = withScripts(redis);
    // No empty shard: more shards than coordinates is as many shards as coordinates.
    this.shards = Math.max(1, Math.min(options.shards, options.dimension));
    const size = Math.ceil(options.dimension / this.shards);
    this.starts = Array.from({ length: this.shards + 1 }, (_, k) => Math.min(k * size, options.dimension));
    this.tags = Array.from({ length: this.shards }, (_, k) => `{${options.prefix}:ps:${options.runId}:${k}}`);
  }

  private keys(shard: number, names: readonly string[]): string[] {
    return [...names.map((name) => `${this.tags[shard]}:${name}`), `${this.tags[shard]}:meta`];
  }

  /** Every key of the server (for removing it). */
  allKeys(): string[] {
    return this.tags.flatMap((_, k) => this.keys(k, vectorNames[this.options.algorithm]));
  }

  /**
   * Writes a server state: a fresh one (the initial vector, the run's total steps, τ) or one
   * restored from a checkpoint. Without `replace` a shard Redis still holds is left as it is.
   * Returns how many shards were written.
   */
  async initialize(state: ServerState, replace: boolean): Promise<number> {
    const names = vectorNames[this.options.algorithm];
    if (state.vectors.length !== names.length || state.meta.length !== this.shards) {
      throw new Error(`A ${this.options.algorithm} server state has ${names.length} vectors over ${this.shards} shards.`);
    }
    const vectors = state.vectors.map((vector) => Float64Array.from(vector));
    const written = await Promise.all(
      this.tags.map((_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        const fields = Object.entries(state.meta[k]).flat();
        const keys = this.keys(k, names);
        return this.redis.psInitialize(keys.length, ...keys, replace ? '1' : '0', ...vectors.map((vector) => bytes(vector, start, end)), ...fields);
      }),
    );
    return written.reduce((sum, count) => sum + count, 0);
  }

  /** A fresh server at `initial`, with `total` local steps to give out. */
  static freshState(algorithm: ServerAlgorithm, initial: ArrayLike<number>, shards: number, total: number): ServerState {
    const vectors = vectorNames[algorithm].map((_, i) => (i === 0 ? Array.from(initial) : new Array<number>(initial.length).fill(0)));
    const meta = Array.from({ length: Math.max(1, Math.min(shards, initial.length)) }, (_, k): Record<string, string> => (k === 0 ? { version: '0', claimed: '0', total: String(total) } : { version: '0' }));
    return { vectors, meta };
  }

  /**
   * Downpour's exchange (x̃ ← x̃ + v_i; x_i ← x̃) of replica `replica`'s `seq`-th exchange:
   * pushes `displacement` (null: no step since the last one), made of `steps` local steps from
   * the server as of `pulledVersion`, writes x̃ into `into` and asks for `want` more steps.
   */
  async downpour(replica: number, seq: number, steps: number, pulledVersion: number, want: number, displacement: Float64Array | null, into: Float64Array): Promise<ExchangeReply> {
    const replies = await Promise.all(
      this.tags.map((_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        const push = displacement ? bytes(displacement, start, end) : '';
        return this.redis.psDownpourBuffer(...this.keys(k, ['w']), replica, seq, steps, pulledVersion, k === 0 ? '1' : '0', want, push);
      }),
    ).catch(rethrow);
    replies.forEach(([vector], k) => copyInto(vector, into, this.starts[k]));
    return { version: Number(replies[0][1]), grant: Number(replies[0][2]) };
  }

  /** EASGD's elastic exchange of x_i (`params`) with rate α; writes x̃ as it was before the exchange into `centerBefore`. */
  async elastic(replica: number, seq: number, steps: number, alpha: number, want: number, params: Float64Array, centerBefore: Float64Array): Promise<ExchangeReply> {
    const replies = await Promise.all(
      this.tags.map((_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        return this.redis.psElasticBuffer(...this.keys(k, ['w']), replica, seq, steps, String(alpha), k === 0 ? '1' : '0', want, bytes(params, start, end));
      }),
    ).catch(rethrow);
    replies.forEach(([vector], k) => copyInto(vector, centerBefore, this.starts[k]));
    return { version: Number(replies[0][1]), grant: Number(replies[0][2]) };
  }

  /** AdaptiveRevision's read: w and ḡ as they are, claiming one step (`want` −1: a resumed replica's step given and never applied). */
  async read(replica: number, params: Float64Array, sumGradients: Float64Array, want = 1): Promise<ExchangeReply> {
    const replies = await Promise.all(this.tags.map((_, k) => this.redis.psReadBuffer(...this.keys(k, ['w', 'g']), replica, k === 0 ? '1' : '0', want))).catch(rethrow);
    replies.forEach(([w, g], k) => {
      copyInto(w, params, this.starts[k]);
      copyInto(g, sumGradients, this.starts[k]);
    });
    return { version: Number(replies[0][2]), grant: Number(replies[0][3]) };
  }

  /** AdaptiveRevision's update with gradient g read at `readVersion` when ḡ was `sumAtRead`. Returns the version after it. */
  async apply(replica: number, seq: number, readVersion: number, alpha: number, beta: number, gradient: Float64Array, sumAtRead: Float64Array): Promise<number> {
    const versions = await Promise.all(
      this.tags.map((_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        return this.redis.psApply(
          ...this.keys(k, ['w', 'g', 'z', 'zm']), replica, seq, readVersion, String(alpha), String(beta), k === 0 ? '1' : '0',
          bytes(gradient, start, end), bytes(sumAtRead, start, end),
        );
      }),
    ).catch(rethrow);
    return Number(versions[0]);
  }

  /** The whole server, each shard read atomically (shards may be a few exchanges apart). */
  async snapshot(): Promise<ServerState> {
    const names = vectorNames[this.options.algorithm];
    const replies = await Promise.all(this.tags.map((_, k) => {
      const keys = this.keys(k, names);
      return this.redis.psSnapshotBuffer(keys.length, ...keys);
    })).catch(rethrow);
    const vectors = names.map(() => new Float64Array(this.options.dimension));
    const meta = replies.map((reply, k) => {
      names.forEach((_, v) => copyInto(reply[v] as Buffer, vectors[v], this.starts[k]));
      const flat = (reply[names.length] as Buffer[]).map((value) => value.toString());
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
      return fields;
    });
    return { vectors: vectors.map((vector) => Array.from(vector)), meta };
  }

  /** Gives no more steps: every replica pushes what it has and ends. */
  async stop(): Promise<void> {
    await this.redis.hset(`${this.tags[0]}:meta`, 'stopped', '1');
  }

  /** A replica found a non-finite loss (index −1) or parameter (its index): the run stops, diverged. */
  async reportBroken(index: number): Promise<void> {
    await this.redis.hset(`${this.tags[0]}:meta`, 'broken', String(index < 0 ? -1 : index + 1), 'stopped', '1');
  }

  /** The worker (host:pid) running a replica now. */
  async register(replica: number, worker: string): Promise<void> {
    await this.redis.hset(`${this.tags[0]}:meta`, `worker:${replica}`, worker);
  }

  /** A replica is done and gone: its distance to the center at its last exchange (null: not known). */
  async finishReplica(replica: number, distance: number | null): Promise<void> {
    await this.redis.hset(`${this.tags[0]}:meta`, `finished:${replica}`, '1', ...(distance !== null ? [`distance:${replica}`, String(distance)] : []));
  }

  /** The main shard's accounting alone (cheap: the coordinator polls it). */
  async accounting(): Promise<Record<string, string>> {
    const meta = await this.redis.hgetall(`${this.tags[0]}:meta`);
    if (meta.version === undefined) throw new ServerLostError('Redis no longer holds the parameter server state.');
    return meta;
  }

  /** A replica's account on the main shard: exchanges applied, steps pushed, steps given and not pushed, done; the run's total steps. */
  async replicaStatus(replica: number): Promise<{ seq: number; steps: number; grant: number; done: boolean; version: number; total: number }> {
    const values = await this.redis.hmget(`${this.tags[0]}:meta`, `seq:${replica}`, `steps:${replica}`, `grant:${replica}`, `done:${replica}`, 'version', 'total');
    if (values[4] === null) throw new ServerLostError('Redis no longer holds the parameter server state.');
    const [seq, steps, grant, done, version, total] = values.map((value) => Number(value ?? 0));
    return { seq, steps, grant, done: done === 1, version, total };
  }

  /** Every key expires `seconds` from now unless renewed (a server whose run is gone does not stay). */
  async expire(seconds: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const key of this.allKeys()) pipeline.expire(key, seconds);
    await pipeline.exec();
  }

  async remove(): Promise<void> {
    await Promise.all(this.tags.map((_, k) => this.redis.del(...this.keys(k, vectorNames[this.options.algorithm]))));
  }
}
