import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { memoryPersistence, type ConnectionState } from '../src/index.js';
import { offlineClient, offlineSetUp, recordingFetch } from './offline-support/offline-setup.js';
import { connectClient, todos } from './support.js';

/** A `fetch` that answers `GET /_syncline` with `discovery` (a server that offers less, or an older one: 404) and passes the rest on. */
function discoveryAnswer(discovery: (real: Response) => Promise<Response>, inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const answer = await inner(input, init);
    return new URL(input instanceof Request ? input.url : String(input)).pathname === '/_syncline' ? discovery(answer) : answer;
  };
}

describe('protocol version and capabilities, client side', () => {
  it('a server of another major closes with 4406: the client is closed with a clear reason and does not reconnect', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server, handleProtocols: (offered) => [...offered][0] ?? false });
    let handshakes = 0;
    wss.on('connection', (socket) => {
      handshakes++;
      socket.close(4406, 'supported: 2.0-2.3');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await using _server = { [Symbol.asyncDispose]: () => new Promise<void>((resolve) => (wss.close(), server.close(() => resolve()))) };
    const client = connectClient((server.address() as AddressInfo).port, { transport: 'socket' });
    const closed = await new Promise<ConnectionState>((resolve) => client.onStateChange((state) => state.kind === 'closed' && resolve(state)));
    expect(closed).toEqual({ kind: 'closed', reason: 'protocol not supported: this client speaks 1.0, the server 2.0-2.3' });
    expect(handshakes).toBe(1);
    client.close();
  });

  it('over HTTP, reconcile is sent once the server says it offers it, after one GET /_syncline', async () => {
    const { log, client } = await restarted((fetch) => fetch);
    await vi.waitFor(() => expect(log).toContain('POST /_reconcile 200'));
    expect(log.filter((line) => line.startsWith('GET /_syncline'))).toEqual(['GET /_syncline 200']);
    expect(log.filter((line) => line.startsWith('GET /todos'))).toEqual([]);
    expect(await client.capabilities()).toContain('reconcile');
  });

  it('over HTTP, a server without reconcile is asked entry by entry, never probed', async () => {
    const withoutReconcile = (fetch: typeof globalThis.fetch) =>
      discoveryAnswer(async (real) => {
        const document = (await real.json()) as { capabilities: string[] };
        return Response.json({ ...document, capabilities: document.capabilities.filter((name) => name !== 'reconcile') });
      }, fetch);
    const { log, uri } = await restarted(withoutReconcile);
    await vi.waitFor(() => expect(log).toContain(`GET ${uri} 304`));
    expect(log.filter((line) => line.includes('/_reconcile'))).toEqual([]);
  });

  it('over HTTP, a server that never says what it offers (404 at /_syncline) is probed with POST /_reconcile', async () => {
    const { log, client } = await restarted((fetch) => discoveryAnswer(async () => new Response(null, { status: 404 }), fetch));
    await vi.waitFor(() => expect(log).toContain('POST /_reconcile 200'));
    expect(await client.capabilities()).toBeUndefined();
  });
});

/**
 * A replica holding one todo, reopened by a second HTTP client (so it reconciles at start),
 * whose requests go through `wrap(recording fetch)` and are logged.
 */
async function restarted(wrap: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch) {
  const { app, proxy, todo, uri } = await offlineSetUp();
  const persistence = memoryPersistence();
  const first = offlineClient(proxy.port, { persistence });
  await first.ready;
  await first.resource(todos).get(todo.id);
  await vi.waitFor(() => expect(first.store.get(uri)).toBeDefined());
  first.close();
  const { fetch, log } = recordingFetch();
  const client = offlineClient(proxy.port, { persistence }, { fetch: wrap(fetch) });
  onTestFinished(async () => {
    client.close();
    await proxy[Symbol.asyncDispose]();
    await app.close();
  });
  await client.ready;
  return { log, client, uri };
}
