/**
 * A TCP relay to a real service that a test can cut and restore, to see PostgreSQL or Redis
 * "go down" and "come back" without touching the shared servers.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Refuses new connections and drops the open ones. */
  stop(): Promise<void>;
  /**
   * Relays nothing more on the open connections, in either direction, and leaves them open
   * whatever one side does, as a network partition does: neither side hears the other, not even
   * that it has closed its socket. New connections are relayed.
   */
  partition(): void;
  /**
   * Once the service's next reply on an open connection has reached the client, drops that
   * connection and refuses new ones (until start): a service lost right after it answered a call,
   * before the client's next.
   */
  dropAfterNextReply(): void;
  /** Listens again on the same port (nothing when it listens). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<{ readonly client: net.Socket; readonly upstream: net.Socket; cut: boolean }>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    track(client);
    track(upstream);
    const pair = { client, upstream, cut: false };
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    client.on('close', () => {
      pairs.delete(pair);
      if (!pair.cut) upstream.destroy();
    });
    upstream.on('close', () => {
      pairs.delete(pair);
      if (!pair.cut) client.destroy();
    });
  });
  const partition = () => {
    for (const pair of pairs) {
      pair.cut = true;
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
  };
  const dropAfterNextReply = () => {
    for (const pair of pairs) {
      // After the relay's own listener, which has written the reply to the client: ended after it.
      pair.upstream.once('data', () => {
        if (server.listening) server.close();
        pair.client.end();
        pair.upstream.destroy();
      });
    }
  };
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stop = () => new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
  return { port, stop, partition, dropAfterNextReply, start: async () => (server.listening ? undefined : listen(port)), close: stop };
}

/** A relay to the service of `url` (postgresql:// or redis://), and the same URL through it. */
export async function relayTo(url: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(url);
  const defaultPort = target.protocol.startsWith('redis') ? 6379 : 5432;
  const proxy = await startTcpProxy(target.hostname, Number(target.port || defaultPort));
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  return { proxy, url: target.toString() };
}
