/** A Descent that takes a request and never answers it: the client gives up, and the CLI says so. */
import { once } from 'node:events';
import net from 'node:net';
import { AnswerTimeoutError, createClient } from 'descent/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/capture.ts';

let silent: net.Server;
let url: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  // Accepts connections and reads requests, answers nothing (a stuck proxy, a frozen process).
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  silent.close();
});

describe('a Descent that does not answer', () => {
  it('makes a request fail with AnswerTimeoutError once its time is up, after the retries of a read', async () => {
    const attempts: number[] = [];
    const descent = createClient({ url, apiKey: 'k', answerTimeoutMs: 200, retry: { retries: 1, initialDelayMs: 1, onRetry: (notice) => attempts.push(notice.attempt) } });
    const error = await descent.getRun('00000000-0000-4000-8000-000000000000').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AnswerTimeoutError);
    expect((error as Error).message).toBe(`${url}/v1/runs/00000000-0000-4000-8000-000000000000 did not answer within 0.2 s.`);
    expect(attempts).toEqual([1]);
  });

  it('ends a remote command with status 4 and one line', async () => {
    const stuck = await runCli(['status', '00000000-0000-4000-8000-000000000000', '--url', url, '--key', 'k', '--timeout', '0.2']);
    expect(stuck.code).toBe(4);
    expect(stuck.stderr).toMatch(/^descent status: Descent did not answer: .* did not answer within 0\.2 s\.\n$/);
  }, 60_000);

  it('takes no time limit longer than a timer can wait (beyond, Node would fire it at once)', async () => {
    expect(() => createClient({ url, answerTimeoutMs: 2 ** 31 })).toThrow(RangeError);
    const tooLong = await runCli(['status', '00000000-0000-4000-8000-000000000000', '--url', url, '--key', 'k', '--timeout', '3000000']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('--timeout takes a number of seconds above 0 and at most 2147483');
  }, 60_000);
});
