import { connect, createServer, type Server, type Socket } from 'node:net';

/** A listening TCP proxy, as {@link listenProxy} starts it. */
export interface ProxyServer {
  /** The local port the proxy listens on (a free one). */
  readonly port: number;
  /** Destroys every open connection, both sides. */
  dropAll(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * The shared part of the test proxies: listens on a free port of 127.0.0.1 and connects each
 * client to `targetPort`, unless `isDown()` (then the client is dropped at once). `relay`
 * wires the two sockets' data; `end` destroys both, and also runs on an error or close of either.
 *
 * @example
 * const proxy = await listenProxy(port, () => false, (client, upstream) => {
 *   client.on('data', (chunk: Buffer) => upstream.write(chunk));
 *   upstream.on('data', (chunk: Buffer) => client.write(chunk));
 * });
 * await proxy.close();
 */
export async function listenProxy(targetPort: number, isDown: () => boolean, relay: (client: Socket, upstream: Socket, end: () => void) => void): Promise<ProxyServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (isDown()) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    relay(client, upstream, end);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The proxy has no port.');
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port: address.port,
    dropAll,
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
