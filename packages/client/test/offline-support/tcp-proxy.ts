import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a test server, to make it unreachable and back without stopping
 * it, and to lose an answer after the server has run the request.
 *
 * @example
 * await using proxy = await startProxy(port);
 * proxy.cut(); // every connection dropped, new ones refused
 * proxy.restore();
 */
export interface TcpProxy extends AsyncDisposable {
  readonly port: number;
  /** Drops every connection and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  /**
   * The next request whose bytes contain `marker` reaches the server; once its answer starts
   * coming back (so the server has run it), the connection is dropped and the answer lost.
   * Resolves when that happened.
   */
  loseAnswerTo(marker: string): Promise<void>;
  /** How many requests whose bytes contain `marker` went through. */
  count(marker: string): number;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  let down = false;
  let losing: { marker: string; done: () => void } | undefined;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let dropAnswer = false;
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      seen.push(text);
      if (losing && text.includes(losing.marker)) dropAnswer = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dropAnswer && losing) {
        const { done } = losing;
        losing = undefined;
        end();
        return done();
      }
      client.write(chunk);
    });
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port: address.port,
    cut() {
      down = true;
      dropAll();
    },
    restore() {
      down = false;
    },
    loseAnswerTo(marker) {
      return new Promise((resolve) => (losing = { marker, done: resolve }));
    },
    count: (marker) => seen.filter((text) => text.includes(marker)).length,
    async [Symbol.asyncDispose]() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
