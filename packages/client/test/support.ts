import { createClient, type ClientOptions, type LiveView, type SynclineClient } from '../src/index.js';

export { createTestSyncline, lists, request, todos } from '../../server/test/support/fixtures.js';

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
