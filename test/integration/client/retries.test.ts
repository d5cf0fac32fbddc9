/** The client's retries against a real Descent: rate limits, and responses lost on the way back. */
import net from 'node:net';
import { createClient, ProblemError, type RetryNotice, type RunSpecInput } from 'descent/client';
import { afterAll, describe, expect, it } from 'vitest';
import { useLiveDescent } from './live-descent.ts';

const spec: RunSpecInput = {
  objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [3] },
  optimizer: { name: 'sgd', learningRate: 0.1 },
  training: { maxSteps: 10 },
};

interface LossyRelay {
  readonly url: string;
  /** Cuts the next `times` answers to requests whose first line starts with `requestLine`. */
  drop(requestLine: string, times: number): void;
  close(): Promise<void>;
}

/**
 * A relay to the service that forwards a chosen request but cuts the connection as its answer
 * starts to come back: the server acted, the client saw nothing. With `prefix`, it serves the
 * service under that path, as a reverse proxy does (`/descent/v1/runs` is the service's `/v1/runs`).
 */
async function startLossyRelay(target: string, prefix = ''): Promise<LossyRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let rule = { requestLine: '', times: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    let cutAnswer = false;
    client.on('data', (received: Buffer) => {
      const chunk = prefix === '' ? received : Buffer.from(received.toString('latin1').replace(new RegExp(`^([A-Z]+ )${prefix}/`), '$1/'), 'latin1');
      if (rule.times > 0 && chunk.toString('latin1').startsWith(rule.requestLine)) {
        rule.times -= 1;
        cutAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutAnswer) {
        client.destroy();
        upstream.destroy();
      } else {
        client.write(chunk);
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    drop: (requestLine, times) => {
      rule = { requestLine, times };
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('retries on rate limits', () => {
  const live = useLiveDescent({ settings: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '1' }, workers: false });

  it('waits the Retry-After of each 429 and gets through', async () => {
    const notices: RetryNotice[] = [];
    const descent = createClient({ url: live.url, apiKey: await live.newKey(), retry: { retries: 10, onRetry: (notice) => notices.push(notice) } });
    for (let index = 0; index < 5; index += 1) {
      const listed = [];
      for await (const run of descent.runs()) listed.push(run);
      expect(listed).toEqual([]);
    }
    expect(notices.length).toBeGreaterThan(0);
    for (const notice of notices) {
      expect(notice).toMatchObject({ method: 'GET', reason: 429 });
      expect(notice.delayMs).toBeGreaterThan(0);
      expect(notice.delayMs).toBeLessThanOrEqual(1000);
    }
  });
});

describe('no retries', () => {
  // A window long enough that the three submissions fall in one, however slow the machine.
  const live = useLiveDescent({ settings: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '60' }, workers: false });

  it('without retries, answers the 429 as a ProblemError', async () => {
    const descent = createClient({ url: live.url, apiKey: await live.newKey(), retry: false });
    const outcomes = [];
    for (let index = 0; index < 3; index += 1) outcomes.push(await descent.submitRun(spec).then(() => 'created', (error: unknown) => error));
    expect(outcomes.slice(0, 2)).toEqual(['created', 'created']);
    expect(outcomes[2]).toBeInstanceOf(ProblemError);
    expect(outcomes[2]).toMatchObject({ status: 429, code: 'rate_limited' });
  });
});

describe('retries on network errors', () => {
  const live = useLiveDescent({ workers: false });
  let relay: LossyRelay | undefined;
  afterAll(async () => relay?.close());

  it('sends a submission again with its Idempotency-Key: one run, whatever was lost', async () => {
    relay = await startLossyRelay(live.url);
    const notices: RetryNotice[] = [];
    const descent = createClient({ url: relay.url, apiKey: await live.newKey(), retry: { initialDelayMs: 10, onRetry: (notice) => notices.push(notice) } });
    relay.drop('POST /v1/runs ', 2);
    const run = await descent.submitRun(spec);
    expect(notices.map((notice) => [notice.method, typeof notice.reason])).toEqual([['POST', 'string'], ['POST', 'string']]);
    const stored = [];
    for await (const listed of descent.runs()) stored.push(listed.id);
    expect(stored).toEqual([run.id]);
  });

  it('sends a submission again with its Idempotency-Key through a proxy that serves Descent under a path', async () => {
    const proxied = await startLossyRelay(live.url, '/descent');
    try {
      const notices: RetryNotice[] = [];
      const descent = createClient({ url: `${proxied.url}/descent/`, apiKey: await live.newKey(), retry: { initialDelayMs: 10, onRetry: (notice) => notices.push(notice) } });
      proxied.drop('POST /v1/runs ', 1);
      const run = await descent.submitRun(spec);
      expect(notices.map((notice) => notice.url)).toEqual([`${proxied.url}/descent/v1/runs`]);
      const stored = [];
      for await (const listed of descent.runs()) stored.push(listed.id);
      expect(stored).toEqual([run.id]);
    } finally {
      await proxied.close();
    }
  });

  it('does not send again a POST that has no Idempotency-Key', async () => {
    relay ??= await startLossyRelay(live.url);
    const notices: RetryNotice[] = [];
    const descent = createClient({ url: relay.url, apiKey: await live.newKey(), retry: { initialDelayMs: 10, onRetry: (notice) => notices.push(notice) } });
    const run = await descent.submitRun(spec);
    relay.drop(`POST /v1/runs/${run.id}/cancel `, 1);
    await expect(descent.cancelRun(run.id)).rejects.toThrow(TypeError);
    expect(notices).toEqual([]);
    expect((await descent.getRun(run.id)).status).toBe('cancelled');
  });
});
