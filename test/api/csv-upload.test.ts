/**
 * A CSV upload's body read from a request whose client left before the reading began: the
 * reading ends with the 400 of a client that went away, rather than waiting for chunks that
 * never come (the upload, and the tenant's slot it holds, would never end).
 */
import { createServer, type IncomingMessage } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { streamCsvUpload } from '../../src/api/routes/datasets/csv-upload.ts';

const limits = { maxBytes: 1_000_000, maxRows: 1_000, maxColumns: 100 };

describe('streamCsvUpload', () => {
  /** Each request the server had, once its connection closed. */
  const closed: IncomingMessage[] = [];
  let arrived: (() => void) | null = null;
  const server = createServer((request) => {
    request.once('close', () => {
      closed.push(request);
      arrived?.();
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('ends with the 400 of a client that went away when the body is read after its client left', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const gone = new Promise<void>((resolve) => { arrived = resolve; });
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /v1/datasets HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: text/csv\r\ncontent-length: 1000\r\n\r\na,b\n1,');
    // Destroyed once the server has the request: its body is not complete.
    await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    await gone;
    const request = closed[0]!;
    expect(request.destroyed).toBe(true);
    let written = 0;
    const reading = streamCsvUpload({ stream: request }, {}, limits, { write: async () => { written += 1; } });
    await expect(reading).rejects.toMatchObject({ statusCode: 400, code: 'bad_request', title: 'The client went away' });
    expect(written).toBe(0);
  }, 10_000);
});
