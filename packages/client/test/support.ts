import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynclineOptions } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { createTestSyncline } from '../../server/test/support/fixtures.js';
import WebSocket from 'ws';
import { createClient, type ClientOptions, type LiveView, type SocketConstructor, type SynclineClient } from '../src/index.js';

export { createTestSyncline, lists, request, todos } from '../../server/test/support/fixtures.js';

/** A WebSocket that a "proxy" refuses while `blocked.value` is true (it dials a path the server does not serve). */
export function blockable(blocked: { value: boolean }): SocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(blocked.value ? url.replace(/\/live$/, '/blocked') : url, protocols);
    }
  } as unknown as SocketConstructor;
}

/** A server on a database file, so a second server can take over the same data and port (a restart). */
export async function fileServer(filename: string, port = 0, options: Partial<SynclineOptions> = {}) {
  const storage = createSqliteStorage({ filename });
  const app = await createTestSyncline({ storage, ...options });
  return { app, storage, listen: () => app.listen(port, '127.0.0.1') };
}

/** A temporary database file, deleted by `await using`. */
export async function tempFile(): Promise<{ filename: string } & AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-client-'));
  return { filename: join(dir, 'db.sqlite'), [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

/** A client on a test server, closed by `await using`. */
export function connectClient(port: number, options: Partial<ClientOptions> = {}): SynclineClient {
  return createClient({ url: `http://127.0.0.1:${port}`, minDelayMs: 10, maxDelayMs: 50, ...options });
}

/** Resolves once a view's snapshot passes `test` (checked now and after every change); no sleeping. */
export function until<T>(view: LiveView<T>, test: (snapshot: T) => boolean, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (!test(view.getSnapshot())) return false;
      stop();
      clearTimeout(timer);
      resolve(view.getSnapshot());
      return true;
    };
    const stop = view.subscribe(() => void check());
    const timer = setTimeout(() => (stop(), reject(new Error(`condition not met; snapshot: ${JSON.stringify(view.getSnapshot())}`))), timeoutMs);
    check();
  });
}

/** Resolves once the client's connection is open. */
export function whenOpen(client: SynclineClient, timeoutMs = 5000): Promise<void> {
  if (client.state().kind === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still ${client.state().kind}`)), timeoutMs);
    const stop = client.onStateChange((state) => {
      if (state.kind === 'open') (stop(), clearTimeout(timer), resolve());
    });
  });
}
