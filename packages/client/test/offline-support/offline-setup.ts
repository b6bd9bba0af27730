import type { SynclineClient } from '../../src/index.js';
import { memoryPersistence, type ClientOptions } from '../../src/index.js';
import { connectClient, createTestSyncline, request } from '../support.js';
import { startProxy } from './tcp-proxy.js';

/** A test server with a list and a todo, and a proxy in front of it that can cut the network. */
export async function offlineSetUp() {
  const app = await createTestSyncline();
  const { port } = await app.listen(0, '127.0.0.1');
  const proxy = await startProxy(port);
  const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
  const todo = (await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
  return { app, port, proxy, list, todo, uri: `/todos/${todo.id}` };
}

/** An offline client through the proxy (HTTP unless told otherwise), on its own memory persistence unless given one. */
export function offlineClient(port: number, offline: Partial<NonNullable<ClientOptions['offline']>> = {}, options: Partial<ClientOptions> = {}): SynclineClient {
  return connectClient(port, { transport: 'http', ...options, offline: { persistence: memoryPersistence(), tabs: false, ...offline } });
}

/** Resolves once the client's outbox is empty (checked now and after every change). */
export function drained(client: SynclineClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.outbox.size() === 0) return resolve();
    const timer = setTimeout(() => (stop(), reject(new Error(`outbox still holds ${client.outbox.size()}`))), timeoutMs);
    const stop = client.outbox.subscribe((size) => {
      if (size === 0) (stop(), clearTimeout(timer), resolve());
    });
  });
}

/** Resolves with the next event of that name on the client. */
export function nextEvent<E extends 'conflict' | 'rejected'>(client: SynclineClient, event: E): Promise<Parameters<Parameters<SynclineClient['on']>[1]>[0]> {
  return new Promise((resolve) => {
    const stop = client.on(event, ((value: Parameters<Parameters<SynclineClient['on']>[1]>[0]) => (stop(), resolve(value))) as never);
  });
}

/**
 * A `fetch` that logs every request that got an answer (`POST /_reconcile 200`) and those
 * that got none (`failed`), and can run
 * something on the server just before a request is sent (`before('PUT /todos/1')`).
 */
export function recordingFetch(before?: (request: string) => Promise<void>): { fetch: typeof fetch; log: string[]; failed: string[] } {
  const log: string[] = [];
  const failed: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    await before?.(`${init?.method ?? 'GET'} ${url.pathname}`);
    const response = await fetch(input, init).catch((error: unknown) => {
      failed.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      throw error;
    });
    log.push(`${init?.method ?? 'GET'} ${url.pathname} ${response.status}`);
    return response;
  };
  return { fetch: recording, log, failed };
}
