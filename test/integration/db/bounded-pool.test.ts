/**
 * Statements bounded against a PostgreSQL of the test's own, frozen with SIGSTOP
 * (../support/private-services.ts): a statement unanswered within the bound fails as the
 * database being unavailable, and its connection is never lent again, so that a transaction whose
 * BEGIN or statement timed out swallows no later write (node-postgres or Prisma), and none is
 * kept out of the pool by an owner that never releases it (Prisma); a COPY stream
 * whose server answers after its bound crashes nothing; a statement or COPY stream answered in
 * time (in any of node-postgres's forms) or refused at once leaves no timer to close its connection later.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createDatabase } from '../../../src/db/client.ts';
import { isDatabaseUnavailable, isStatementTimeout } from '../../../src/db/database-unavailable.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-services.ts';
import { relayTo } from '../support/tcp-proxy.ts';

/** Short, so that the tests wait little for a frozen server; long beside a live server's answer. */
const statementTimeoutMs = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('statements bounded in time', () => {
  let postgres: PrivatePostgres;
  /** Unbounded, to look at the server once it goes on. */
  let reader: Pool;

  beforeAll(async () => {
    postgres = await startPrivatePostgres('postgres');
    reader = createPool(postgres.url, 2);
    await reader.query('CREATE TABLE writes (name text PRIMARY KEY)');
  }, 60_000);

  afterAll(async () => {
    await reader?.end();
    await postgres?.close();
  });

  /** A bounded pool of one connection, already open, so that every use takes that one while it lives. */
  async function boundedPool(): Promise<Pool> {
    const pool = createPool(postgres.url, 1, undefined, { statementTimeoutMs });
    onTestFinished(() => pool.end());
    await pool.query('SELECT 1');
    return pool;
  }

  const backend = async (pool: Pool) => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  const written = async () => (await reader.query<{ name: string }>('SELECT name FROM writes ORDER BY name')).rows.map((row) => row.name);

  /** Freezes the server for `work`, then lets it go on; a connection of the reader's answers once it has. */
  async function frozen<T>(work: () => Promise<T>): Promise<T> {
    postgres.freeze();
    try {
      return await work();
    } finally {
      postgres.thaw();
      await reader.query('SELECT 1');
    }
  }

  it('a transaction whose BEGIN got no answer: the statement fails as an outage, and its connection, released as healthy, is not lent again mid-transaction', async () => {
    await reader.query('TRUNCATE writes');
    const pool = await boundedPool();
    const before = await backend(pool);
    const client = await pool.connect();
    const error = await frozen(() => failure(client.query('BEGIN')));
    expect(isDatabaseUnavailable(error)).toBe(true);
    client.release();
    await pool.query("INSERT INTO writes VALUES ('after')");
    expect(await written()).toEqual(['after']);
    expect(await backend(pool)).not.toBe(before);
  }, 60_000);

  it('Prisma interactive transactions whose statements got no answer, as many as its pool has connections: none is lent again or kept out of the pool, and later writes commit', async () => {
    await reader.query('TRUNCATE writes');
    const database = createDatabase(postgres.url, statementTimeoutMs);
    onTestFinished(() => database.$disconnect());
    /** createDatabase's pool size: each transaction holds one of its connections. */
    const transactions = 10;
    let begun = 0;
    let allBegun!: () => void;
    const frozenNow = new Promise<void>((resolve) => (allBegun = resolve));
    const errors = await Promise.all(Array.from({ length: transactions }, (_, i) => failure(database.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO writes VALUES (${`rolled back ${i}`})`;
      if (++begun === transactions) {
        postgres.freeze();
        allBegun();
      }
      await frozenNow;
      await tx.$executeRaw`INSERT INTO writes VALUES (${`unanswered ${i}`})`;
    }, { timeout: 30_000, maxWait: 30_000 }))));
    postgres.thaw();
    expect(errors.every(isDatabaseUnavailable)).toBe(true);
    await database.$executeRaw`INSERT INTO writes VALUES ('after')`;
    expect(await written()).toEqual(['after']);
  }, 60_000);

  it('a COPY FROM whose server answers only after its bound fails as an outage and crashes nothing', async () => {
    await reader.query('TRUNCATE writes');
    const pool = await boundedPool();
    const client = await pool.connect();
    await client.query('BEGIN');
    // The server answers the COPY only once it goes on, after the bound.
    const error = await frozen(() => failure(pipeline(Readable.from(['frozen\n']), client.query(copyFrom('COPY writes FROM STDIN')))));
    expect(isDatabaseUnavailable(error)).toBe(true);
    client.release();
    // Time for a late answer to arrive, were the connection still open.
    await sleep(500);
    await pool.query("INSERT INTO writes VALUES ('after')");
    expect(await written()).toEqual(['after']);
  }, 60_000);

  it('a transaction whose client is cut off by a partition holds its row locks no longer than the bound: a later update of its row goes through', async () => {
    await reader.query('TRUNCATE writes');
    await reader.query("INSERT INTO writes VALUES ('locked')");
    const relay = await relayTo(postgres.url);
    onTestFinished(() => relay.proxy.close());
    const cutOff = createPool(relay.url, 1, undefined, { statementTimeoutMs });
    onTestFinished(() => cutOff.end());
    const client = await cutOff.connect();
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // Were it left open, its lock would keep the later tests' TRUNCATE waiting.
    onTestFinished(async () => void await reader.query('SELECT pg_terminate_backend($1)', [pid]));
    await client.query('BEGIN');
    await client.query("UPDATE writes SET name = 'never committed' WHERE name = 'locked'");
    relay.proxy.partition();
    // The COMMIT never reaches the server; the client's bound closes its socket, which the server never hears of.
    expect(isDatabaseUnavailable(await failure(client.query('COMMIT')))).toBe(true);
    client.release();
    const pool = await boundedPool();
    await pool.query("UPDATE writes SET name = 'later' WHERE name = 'locked'");
    expect(await written()).toEqual(['later']);
  }, 60_000);

  it('a pool whose transactions may wait for their client (an upload\'s) keeps one idle past the bound', async () => {
    await reader.query('TRUNCATE writes');
    const pool = createPool(postgres.url, 1, undefined, { statementTimeoutMs, longIdleTransactions: true });
    onTestFinished(() => pool.end());
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query("INSERT INTO writes VALUES ('waited')");
    await sleep(statementTimeoutMs * 2);
    await client.query('COMMIT');
    client.release();
    expect(await written()).toEqual(['waited']);
  }, 60_000);

  it('a statement PostgreSQL cancels at its own bound is an outage, through node-postgres and Prisma alike; one cancelled by pg_cancel_backend is not', async () => {
    const pool = await boundedPool();
    const timedOut = await failure(pool.query('SELECT pg_sleep(10)'));
    expect(timedOut).toMatchObject({ code: '57014' });
    expect(isDatabaseUnavailable(timedOut)).toBe(true);
    expect(isStatementTimeout(timedOut)).toBe(true);

    const database = createDatabase(postgres.url, statementTimeoutMs);
    onTestFinished(() => database.$disconnect());
    const prisma = await failure(database.$queryRaw`SELECT pg_sleep(10)`);
    expect(isDatabaseUnavailable(prisma)).toBe(true);
    expect(isStatementTimeout(prisma)).toBe(true);

    // On an unbounded connection, so that only the cancel ends the statement.
    const client = await reader.connect();
    onTestFinished(() => client.release());
    const { rows: [{ pid }] } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const sleeping = failure(client.query('SELECT pg_sleep(60)'));
    await expect.poll(async () => (await reader.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = $2', [pid, 'PgSleep'])).rowCount).toBe(1);
    await reader.query('SELECT pg_cancel_backend($1)', [pid]);
    const cancelled = await sleeping;
    expect(cancelled).toMatchObject({ code: '57014' });
    expect(isDatabaseUnavailable(cancelled)).toBe(false);
    expect(isStatementTimeout(cancelled)).toBe(false);
  }, 60_000);

  it('statements (callback and promise forms, a transaction) and COPY streams answered in time, and a statement refused at once, leave no timer: their connection lives on past the bound', async () => {
    await reader.query('TRUNCATE writes');
    const pool = await boundedPool();
    const before = await backend(pool);
    const client = await pool.connect();
    await pipeline(Readable.from(['copied\n']), client.query(copyFrom('COPY writes FROM STDIN')));
    const chunks: Buffer[] = [];
    await pipeline(client.query(copyTo('COPY writes TO STDOUT')), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) chunks.push(chunk);
    });
    expect(Buffer.concat(chunks).toString()).toBe('copied\n');
    await new Promise<void>((resolve, reject) => void client.query('SELECT 1', (error: Error | undefined) => (error ? reject(error) : resolve())));
    // The promise forms, a transaction's among them, held on the same client past the bound.
    await client.query('BEGIN');
    await client.query("INSERT INTO writes VALUES ('in a transaction')");
    await client.query('COMMIT');
    expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // A statement node-postgres refuses at once arms no timer either.
    expect(() => client.query(null as unknown as string)).toThrow(TypeError);
    await sleep(statementTimeoutMs * 2);
    expect((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid).toBe(before);
    client.release();
    await sleep(statementTimeoutMs * 2);
    expect(await backend(pool)).toBe(before);
  }, 60_000);
});
