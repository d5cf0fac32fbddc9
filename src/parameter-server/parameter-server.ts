/**
 * A run's parameter server in Redis (concurrent downpour, easgd and adaptive-revision): the
 * center/server vector x̃ (or w), and for adaptive-revision ḡ, z and z′, as binary float64
 * strings sharded over `shards` contiguous ranges of coordinates. Shard k's keys share the hash
 * tag {<prefix>:ps:<run>:<k>}, so a Redis Cluster spreads the shards over its nodes while every
 * operation on one shard stays on one node. A small shard's update is one script that does the
 * arithmetic in Lua. A larger shard's update is optimistic: one round trip
 * reads the shard's vectors with its token, the replica computes the new vectors, and one round
 * trip stages them and runs the shard's commit script, which applies them atomically only if
 * the shard still carries that token (else the replica reads and computes again; scripts.ts).
 * An exchange of a replica is one such update per shard; shard 0's commit also does the run's
 * accounting (steps given and pushed, staleness), so a replica's progress is never apart from
 * its exchange.
 */
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import type { Redis } from 'ioredis';
import { revise } from '../core/parallel/adaptive-revision.ts';
import * as scripts from './scripts.ts';
import { withCommands } from '../queue/defined-commands.ts';

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

/** A commit's reply: whether it was applied, the shard's version after it and, on the main shard, the steps given. */
type CommitReply = [status: 'applied' | 'again' | 'conflict', version: number, grant: number];

interface ScriptCommands {
  psDownpourBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, number, number]>;
  psElasticBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, number, number]>;
  psReadBuffer(...args: (string | Buffer | number)[]): Promise<[Buffer, Buffer, number, number]>;
  psApply(...args: (string | Buffer | number)[]): Promise<number>;
  psDownpourCommit(...args: (string | Buffer | number)[]): Promise<CommitReply>;
  psElasticCommit(...args: (string | Buffer | number)[]): Promise<CommitReply>;
  psRevisionCommit(...args: (string | Buffer | number)[]): Promise<CommitReply>;
  psClaim(...args: (string | Buffer | number)[]): Promise<['applied' | 'again', number]>;
  psInitialize(...args: (string | Buffer | number)[]): Promise<number>;
  psSnapshotBuffer(...args: (string | Buffer | number)[]): Promise<(Buffer | Buffer[])[]>;
  psNow(meta: string): Promise<string>;
  psRegister(meta: string, replica: number, worker: string): Promise<null>;
  psSetFields(meta: string, ...fields: string[]): Promise<null>;
}

/** The parameter server's scripts as a connection's commands (see withCommands). */
const scriptCommands = {
  psDownpour: { numberOfKeys: 2, lua: scripts.downpourExchange },
  psElastic: { numberOfKeys: 2, lua: scripts.elasticExchange },
  psRead: { numberOfKeys: 3, lua: scripts.revisionRead },
  psApply: { numberOfKeys: 5, lua: scripts.revisionApply },
  psDownpourCommit: { numberOfKeys: 3, lua: scripts.downpourCommit },
  psElasticCommit: { numberOfKeys: 3, lua: scripts.elasticCommit },
  psRevisionCommit: { numberOfKeys: 9, lua: scripts.revisionCommit },
  psClaim: { numberOfKeys: 2, lua: scripts.claimSteps },
  psInitialize: { lua: scripts.initialize },
  psSnapshot: { lua: scripts.snapshot },
  psNow: { numberOfKeys: 1, lua: scripts.now },
  psRegister: { numberOfKeys: 1, lua: scripts.register },
  psSetFields: { numberOfKeys: 1, lua: scripts.setFields },
};

/**
 * Shards of at most this many coordinates do their arithmetic in the script (one round trip,
 * never refused; the Lua decoding costs about as much as a round trip here); larger ones update
 * optimistically. Replicas of one run agree on it (it is the same constant in every worker).
 */
const scriptedShardSize = 1024;

/** How long a staged value outlives a commit that never came (a dropped connection). */
const stagedLifetimeMs = 60_000;

/** One shard as read: its vectors and the token of the state they belong to. */
interface ShardRead {
  /** epoch:version, what a commit computed from this read must still find. */
  readonly token: string;
  readonly version: number;
  readonly vectors: Buffer[];
}

function bytes(vector: Float64Array, start: number, end: number): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset + start * 8, (end - start) * 8);
}

/** Copies a reply's float64 bytes into target[start…]. */
function copyInto(reply: Buffer, target: Float64Array, start: number): void {
  reply.copy(new Uint8Array(target.buffer, target.byteOffset + start * 8, reply.length));
}

/** The hash tag of shard `shard` of run `runId`'s server: every key of that shard has it (and so does what lives beside the server on its node). */
export function serverTag(prefix: string, runId: string, shard: number): string {
  return `{${prefix}:ps:${runId}:${shard}}`;
}

function lost(): ServerLostError {
  return new ServerLostError('Redis no longer holds the parameter server state.');
}

function rethrow(error: unknown): never {
  if (error instanceof Error && error.message.includes('LOST')) throw lost();
  throw error;
}

export class ParameterServer {
  readonly shards: number;
  /** Shard k holds coordinates [starts[k], starts[k + 1]). */
  readonly starts: readonly number[];
  private readonly redis: Redis & ScriptCommands;
  private readonly tags: readonly string[];

  /** Whether shard k does its arithmetic in the script (small) or updates optimistically. */
  private readonly scripted: readonly boolean[];

  /** Awaited each time an operation on a shard tries again, before it does (withProgress). */
  private progress: (shard: number) => void | Promise<void> = () => {};

  constructor(
    redis: Redis,
    readonly options: {
      readonly prefix: string; readonly runId: string; readonly dimension: number; readonly shards: number; readonly algorithm: ServerAlgorithm;
      /** Shards of at most this many coordinates compute in the script (default 1,024; tests set both ways). */
      readonly scriptedShardSize?: number;
    },
  ) {
    this.redis = withCommands<ScriptCommands>(redis, scriptCommands);
    // No empty shard: more shards than coordinates is as many shards as coordinates.
    this.shards = Math.max(1, Math.min(options.shards, options.dimension));
    const size = Math.ceil(options.dimension / this.shards);
    this.starts = Array.from({ length: this.shards + 1 }, (_, k) => Math.min(k * size, options.dimension));
    this.tags = Array.from({ length: this.shards }, (_, k) => serverTag(options.prefix, options.runId, k));
    const limit = options.scriptedShardSize ?? scriptedShardSize;
    this.scripted = this.tags.map((_, k) => this.starts[k + 1] - this.starts[k] <= limit);
  }

  /**
   * This server, awaiting `progress(k)` each time one of its operations on shard k tries again,
   * before it does: an update whose commit lost to another replica's (its shard changed since it
   * was read) reads, computes and commits again, and an exact read of a shard that changed as it
   * read reads again, as often as it takes. A replica's loop beats its heartbeat at each (one whose
   * exchanges keep losing to busier replicas is not taken for one whose loop hangs) and, on the
   * main shard, checks its job's lock too, throwing once another delivery may run the replica: a
   * try again never commits the accounting for a delivery that lost its job meanwhile. The other
   * shards go on to their commit whatever the lock: the delivery that resumes the replica starts
   * after the main shard's last commit, so an exchange committed there must land on every shard,
   * and one the main shard gave up on is made again, which a shard that committed it answers as
   * made (`again`).
   */
  withProgress(progress: (shard: number) => void | Promise<void>): ParameterServer {
    const server = Object.create(this) as ParameterServer;
    server.progress = progress;
    return server;
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
        return this.redis.psInitialize(keys.length, ...keys, replace ? '1' : '0', randomUUID(), ...vectors.map((vector) => bytes(vector, start, end)), ...fields);
      }),
    );
    return written.reduce((sum, count) => sum + count, 0);
  }

  /**
   * A fresh server at `initial`, with `total` local steps to give out among `replicas` (each
   * replica i is given at most its share, ⌈(total − i)/replicas⌉, as the simulation's ticks deal them).
   */
  static freshState(algorithm: ServerAlgorithm, initial: ArrayLike<number>, shards: number, total: number, replicas: number): ServerState {
    const vectors = vectorNames[algorithm].map((_, i) => (i === 0 ? Array.from(initial) : new Array<number>(initial.length).fill(0)));
    const main = { version: '0', claimed: '0', total: String(total), replicas: String(replicas) };
    const meta = Array.from({ length: Math.max(1, Math.min(shards, initial.length)) }, (_, k): Record<string, string> => (k === 0 ? main : { version: '0' }));
    return { vectors, meta };
  }

  /**
   * Shard k's vectors `names` and the token of the shard's state, in one round trip. `exact`:
   * the vectors are of that state (the token read after them agrees, else it reads again).
   * Without it they may be of a later state, which a commit computed from them finds out.
   */
  private async readShard(k: number, names: readonly string[], exact: boolean): Promise<ShardRead> {
    const meta = `${this.tags[k]}:meta`;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.progress(k);
      const replies = await Promise.all([
        this.redis.hmget(meta, 'epoch', 'version'),
        ...names.map((name) => this.redis.getBuffer(`${this.tags[k]}:${name}`)),
        ...(exact ? [this.redis.hmget(meta, 'epoch', 'version')] : []),
      ]);
      const [before, after] = [replies[0] as (string | null)[], replies[replies.length - 1] as (string | null)[]];
      const vectors = replies.slice(1, names.length + 1) as (Buffer | null)[];
      if (before[0] === null || before[1] === null || vectors.some((vector) => vector === null)) throw lost();
      if (!exact || (before[0] === after[0] && before[1] === after[1])) return { token: `${before[0]}:${before[1]}`, version: Number(before[1]), vectors: vectors as Buffer[] };
    }
  }

  /**
   * Stages `values` for shard k's vectors `names` and runs a commit script over the shard's keys
   * and the staged ones (one round trip); the script swaps them in or drops them.
   */
  private async commit(k: number, names: readonly string[], values: readonly Buffer[], script: (keys: string[]) => Promise<CommitReply>): Promise<CommitReply> {
    const staged = names.map((name) => `${this.tags[k]}:staged:${name}:${randomUUID()}`);
    const replies = await Promise.all([
      ...values.map((value, v) => this.redis.set(staged[v], value, 'PX', stagedLifetimeMs)),
      script([...this.keys(k, names), ...staged]),
    ]);
    const [status, version, grant] = replies[replies.length - 1] as CommitReply;
    return [status, Number(version), Number(grant)];
  }

  /** An exchange of shard k that changes no vector: claims steps (main shard) and reads `names` into `targets`. */
  private async claimAndRead(k: number, replica: number, seq: number, want: number, names: readonly string[], targets: readonly Float64Array[]): Promise<ExchangeReply> {
    const [claimed, read] = await Promise.all([
      k === 0 || seq > 0 ? this.redis.psClaim(...this.keys(k, ['w']), replica, seq, k === 0 ? '1' : '0', want) : null,
      this.readShard(k, names, true),
    ]);
    read.vectors.forEach((vector, v) => copyInto(vector, targets[v], this.starts[k]));
    return { version: read.version, grant: claimed ? Number(claimed[1]) : 0 };
  }

  /**
   * One update of shard k, computed from the shard as read and committed only if the shard is
   * still in that state (else read and computed again): `compute` turns the vectors read into
   * the new ones, `script` commits them. An exchange applied already (resent) is read as it is.
   */
  private async update(
    k: number,
    names: readonly string[],
    compute: (read: ShardRead) => Buffer[],
    script: (keys: string[], token: string) => Promise<CommitReply>,
    again: (read: ShardRead) => void,
  ): Promise<ExchangeReply> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.progress(k);
      const read = await this.readShard(k, names, false);
      const values = compute(read);
      const [status, version, grant] = await this.commit(k, names, values, (keys) => script(keys, read.token));
      if (status === 'applied') return { version, grant };
      if (status === 'again') {
        again(await this.readShard(k, names, true));
        return { version, grant };
      }
    }
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
        if (this.scripted[k]) {
          const push = displacement ? bytes(displacement, start, end) : '';
          return this.redis.psDownpourBuffer(...this.keys(k, ['w']), replica, seq, steps, pulledVersion, k === 0 ? '1' : '0', want, push).then(([vector, version, grant]) => {
            copyInto(vector, into, start);
            return { version: Number(version), grant: Number(grant) };
          });
        }
        if (!displacement) return this.claimAndRead(k, replica, seq, want, ['w'], [into]);
        return this.update(
          k, ['w'],
          (read) => {
            copyInto(read.vectors[0], into, start);
            for (let j = start; j < end; j++) into[j] += displacement[j];
            return [bytes(into, start, end)];
          },
          (keys, token) => this.redis.psDownpourCommit(...keys, replica, seq, token, steps, k === 0 ? '1' : '0', want, pulledVersion),
          (read) => copyInto(read.vectors[0], into, start),
        );
      }),
    ).catch(rethrow);
    return replies[0];
  }

  /** EASGD's elastic exchange of x_i (`params`) with rate α; writes x̃ as it was before the exchange into `centerBefore`. */
  async elastic(replica: number, seq: number, steps: number, alpha: number, want: number, params: Float64Array, centerBefore: Float64Array): Promise<ExchangeReply> {
    const replies = await Promise.all(
      this.tags.map((_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        if (this.scripted[k]) {
          return this.redis.psElasticBuffer(...this.keys(k, ['w']), replica, seq, steps, String(alpha), k === 0 ? '1' : '0', want, bytes(params, start, end)).then(([vector, version, grant]) => {
            copyInto(vector, centerBefore, start);
            return { version: Number(version), grant: Number(grant) };
          });
        }
        return this.update(
          k, ['w'],
          (read) => {
            copyInto(read.vectors[0], centerBefore, start);
            const center = new Float64Array(end - start);
            for (let j = start; j < end; j++) center[j - start] = centerBefore[j] + alpha * (params[j] - centerBefore[j]);
            return [bytes(center, 0, center.length)];
          },
          (keys, token) => this.redis.psElasticCommit(...keys, replica, seq, token, steps, k === 0 ? '1' : '0', want),
          (read) => copyInto(read.vectors[0], centerBefore, start),
        );
      }),
    ).catch(rethrow);
    return replies[0];
  }

  /** AdaptiveRevision's read: w and ḡ as they are, claiming one step (`want` −1: a resumed replica's step given and never applied). */
  async read(replica: number, params: Float64Array, sumGradients: Float64Array, want = 1): Promise<ExchangeReply> {
    const replies = await Promise.all(this.tags.map(async (_, k) => {
      if (!this.scripted[k]) return this.claimAndRead(k, replica, 0, want, ['w', 'g'], [params, sumGradients]);
      const [w, g, version, grant] = await this.redis.psReadBuffer(...this.keys(k, ['w', 'g']), replica, k === 0 ? '1' : '0', want);
      copyInto(w, params, this.starts[k]);
      copyInto(g, sumGradients, this.starts[k]);
      return { version: Number(version), grant: Number(grant) };
    })).catch(rethrow);
    return replies[0];
  }

  /** AdaptiveRevision's update with gradient g read at `readVersion` when ḡ was `sumAtRead`. Returns the version after it. */
  async apply(replica: number, seq: number, readVersion: number, alpha: number, beta: number, gradient: Float64Array, sumAtRead: Float64Array): Promise<number> {
    const names = vectorNames['adaptive-revision'];
    const replies = await Promise.all(
      this.tags.map(async (_, k) => {
        const [start, end] = [this.starts[k], this.starts[k + 1]];
        if (this.scripted[k]) {
          const version = await this.redis.psApply(
            ...this.keys(k, names), replica, seq, readVersion, String(alpha), String(beta), k === 0 ? '1' : '0',
            bytes(gradient, start, end), bytes(sumAtRead, start, end),
          );
          return { version: Number(version), grant: 0 };
        }
        return this.update(
          k, names,
          (read) => {
            const [w, sum, z, zMax] = read.vectors.map((vector) => {
              const values = new Float64Array(end - start);
              copyInto(vector, values, 0);
              return values;
            });
            revise(w, sum, z, zMax, gradient.subarray(start, end), sumAtRead.subarray(start, end), alpha, beta);
            return [w, sum, z, zMax].map((values) => bytes(values, 0, values.length));
          },
          (keys, token) => this.redis.psRevisionCommit(...keys, replica, seq, token, readVersion, k === 0 ? '1' : '0'),
          () => {},
        );
      }),
    ).catch(rethrow);
    return replies[0].version;
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
      // The epoch belongs to the state Redis holds now: a restore writes a new one.
      for (let i = 0; i < flat.length; i += 2) if (flat[i] !== 'epoch') fields[flat[i]] = flat[i + 1];
      return fields;
    });
    return { vectors: vectors.map((vector) => Array.from(vector)), meta };
  }

  /** Gives no more steps: every replica pushes what it has and ends. ServerLostError when the server is gone (the stop is written back with it). */
  async stop(): Promise<void> {
    await this.setFields({ stopped: '1' });
  }

  /** Whether the run has stopped giving steps (a replica in the middle of its steps asks now and then, so as to push what it has). */
  async stopped(): Promise<boolean> {
    return (await this.redis.hget(`${this.tags[0]}:meta`, 'stopped')) === '1';
  }

  /**
   * A replica found a non-finite loss (index −1) or parameter (its index): the run stops, diverged.
   * ServerLostError when the server is gone: a report written then would make an accounting of
   * its own, without the server, on which a beat of a run that ended would land.
   */
  async reportBroken(index: number): Promise<void> {
    await this.setFields({ broken: String(index < 0 ? -1 : index + 1), stopped: '1' });
  }

  /** The worker (host:pid) running a replica now; the first replica to register stamps when it began (`began`, Redis's clock). */
  async register(replica: number, worker: string): Promise<void> {
    await this.redis.psRegister(`${this.tags[0]}:meta`, replica, worker).catch(rethrow);
  }

  /** Redis's clock in milliseconds (what `began` is stamped with). */
  async now(): Promise<number> {
    return Number(await this.redis.psNow(`${this.tags[0]}:meta`));
  }

  /** A replica is done and gone: its distance to the center at its last exchange (null: not known). */
  async finishReplica(replica: number, distance: number | null): Promise<void> {
    await this.setFields({ [`finished:${replica}`]: '1', ...(distance !== null ? { [`distance:${replica}`]: String(distance) } : {}) });
  }

  /** Sets fields of the main shard's accounting, an empty value removing its field (what the coordinator counted of replicas). */
  async setFields(fields: Readonly<Record<string, string>>): Promise<void> {
    await this.redis.psSetFields(`${this.tags[0]}:meta`, ...Object.entries(fields).flat()).catch(rethrow);
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
