/** `descent metrics --csv` writes the rows as they arrive, so that a run too long to hold as one string still downloads. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runCli } from './capture.ts';
import { eventually } from '../support/eventually.ts';

let server: http.Server;
let url: string;
let finish: (() => void) | undefined;

beforeAll(async () => {
  // A Descent whose CSV answer comes in two parts: the second only once the test lets it.
  // A run id ending in 1: a Descent that drops the connection after the first part.
  server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    response.write('step,loss\n1,0.5\n');
    if (request.url!.includes('0001/metrics')) setTimeout(() => response.socket!.destroy(), 50);
    else finish = () => response.end('2,0.25\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

describe('descent metrics --csv', () => {
  it('prints each part of the CSV as it arrives', async () => {
    let stdout = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    });
    try {
      const exit = main(['metrics', '00000000-0000-4000-8000-000000000000', '--csv', '--url', url, '--key', 'k']);
      const printedEarly = (await eventually(() => stdout, (text) => text.includes('1,0.5\n'), { timeoutMs: 5000 })).includes('1,0.5\n');
      finish!();
      expect(await exit).toBe(0);
      expect(printedEarly).toBe(true);
      expect(stdout).toBe('step,loss\n1,0.5\n2,0.25\n');
    } finally {
      write.mockRestore();
    }
  });

  it('says in one line that the output is incomplete, exiting 4, when the connection is lost mid-answer', async () => {
    const { code, stdout, stderr } = await runCli(['metrics', '00000000-0000-4000-8000-000000000001', '--csv', '--url', url, '--key', 'k']);
    expect(stdout).toBe('step,loss\n1,0.5\n');
    expect(stderr).toMatch(/^descent metrics: the connection to Descent was lost mid-answer \([^)\n]+\); the output is incomplete\n$/);
    expect(code).toBe(4);
  });
});
