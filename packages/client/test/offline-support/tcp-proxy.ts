import { listenProxy } from './proxy-server.js';

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
  const seen: string[] = [];
  let down = false;
  let losing: { marker: string; done: () => void } | undefined;
  const proxy = await listenProxy(targetPort, () => down, (client, upstream, end) => {
    let dropAnswer = false;
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
  });
  return {
    port: proxy.port,
    cut() {
      down = true;
      proxy.dropAll();
    },
    restore() {
      down = false;
    },
    loseAnswerTo(marker) {
      return new Promise((resolve) => (losing = { marker, done: resolve }));
    },
    count: (marker) => seen.filter((text) => text.includes(marker)).length,
    [Symbol.asyncDispose]: () => proxy.close(),
  };
}
