import { Agent, request } from 'node:http';

/** One answer to a credentials post: its status, how long it took, and `retry-after` when given. */
export interface CredentialsAnswer {
  readonly status: number;
  readonly ms: number;
  readonly retryAfter: string | undefined;
}

/**
 * Posts `{"username","password"}` to `/users` or `/session` from a chosen loopback source
 * address (127.0.0.2 and up are all this machine), so the server sees a client address of
 * its own for each party. Status -1: no answer (reset, refused).
 *
 * @example
 * const victim = new CredentialsClient(server.port, '127.0.0.2');
 * const { status, ms } = await victim.post('/session', 'victim', 'correct horse');
 */
export class CredentialsClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    private readonly localAddress: string,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
  }

  post(path: '/users' | '/session', username: string, password: string): Promise<CredentialsAnswer> {
    const body = JSON.stringify({ username, password });
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, path, method: 'POST', localAddress: this.localAddress, agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, retryAfter: res.headers['retry-after'] }));
        },
      );
      req.on('error', () => resolve({ status: -1, ms: performance.now() - started, retryAfter: undefined }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
