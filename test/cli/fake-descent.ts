/** An HTTP server standing in for Descent, for the remote commands' tests: listening before the file's tests, closed after. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export function useFakeDescent(handle: http.RequestListener): { readonly url: string } {
  const server = http.createServer(handle);
  const address = { url: '' };
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    address.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return address;
}
