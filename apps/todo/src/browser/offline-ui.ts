import { createClient, indexedDbPersistence, memoryPersistence, requestPersistentStorage, type ClientOptions, type ConnectionState, type OfflineOptions, type SynclineClient } from '@syncline/client';

/**
 * The page as an offline clone: its client keeps a replica and an outbox in IndexedDB, one
 * per signed-in user (a shared browser keeps each user's changes apart), so the list keeps
 * working while the server is unreachable and a page opened later sends what is waiting.
 */

/** The IndexedDB database of one user's replica on this origin. */
export function replicaName(origin: string, user: string): string {
  return `syncline:${origin}:${user}`;
}

/**
 * The client's `offline` option for `user`: IndexedDB persistence (memory where the browser
 * has none), todos and lists merged field by field, and the replica named for the user, so
 * the tabs of that user (not those of another user on the same browser) share one sender.
 *
 * @example
 * createClient({ url: location.origin, offline: offlineOptions(location.origin, 'ana') });
 */
export function offlineOptions(origin: string, user: string): OfflineOptions {
  const name = replicaName(origin, user);
  const persistence = typeof indexedDB === 'undefined' ? memoryPersistence() : indexedDbPersistence({ name });
  return { persistence, policies: { todos: 'merge', lists: 'merge' }, name };
}

/** What {@link Reachability.follow} reads of a client. */
export type ConnectionSource = Pick<SynclineClient, 'onStateChange' | 'transport'>;

/** Whether the server answers, as far as the page can tell; listeners hear every change. */
export interface Reachability {
  /** A `fetch` for the client: an answer (any status) means reachable, a network failure unreachable. */
  readonly fetch: typeof fetch;
  reachable(): boolean;
  /** Hears the client's connection: on the socket, `open` is reachable and a failed reconnect is not. */
  follow(client: ConnectionSource): void;
  subscribe(listener: () => void): () => void;
}

/**
 * Tracks reachability from both ways the client talks to the server. The connection state
 * alone does not tell: on event streams with no live view open, the client reports `open`
 * (no stream shows otherwise) while its HTTP requests fail; their `fetch` does tell.
 *
 * @example
 * const reach = createReachability();
 * const client = createClient({ url, fetch: reach.fetch });
 * reach.follow(client);
 */
export function createReachability(base: typeof fetch = globalThis.fetch.bind(globalThis)): Reachability {
  let reachable = true;
  const listeners = new Set<() => void>();
  const set = (next: boolean): void => {
    if (next === reachable) return;
    reachable = next;
    for (const listener of [...listeners]) listener();
  };
  const tracked: typeof fetch = async (input, init) => {
    try {
      const response = await base(input, init);
      set(true);
      return response;
    } catch (error) {
      // A stream the client closed itself says nothing about the server.
      if (!(error instanceof DOMException && error.name === 'AbortError')) set(false);
      throw error;
    }
  };
  const fromState = (client: ConnectionSource, state: ConnectionState): void => {
    if (client.transport() !== 'socket') return;
    if (state.kind === 'open') set(true);
    // The first attempt of a page is no failure yet; a reconnect (attempt 2 on) follows one.
    else if (state.kind === 'closed' || state.attempt > 1) set(false);
  };
  return {
    fetch: tracked,
    reachable: () => reachable,
    follow: (client) => void client.onStateChange((state) => fromState(client, state)),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * The outbox indicator's words: `Offline, 2 changes waiting` while the server is out of
 * reach, `Sending 2 changes…` once it answers, nothing when all are sent.
 *
 * @example
 * outboxText(1, false); // 'Offline, 1 change waiting'
 */
export function outboxText(waiting: number, reachable: boolean): string {
  const changes = `${waiting} change${waiting === 1 ? '' : 's'}`;
  if (!reachable) return waiting === 0 ? 'Offline' : `Offline, ${changes} waiting`;
  return waiting === 0 ? '' : `Sending ${changes}…`;
}

/**
 * Keeps the header's outbox indicator (`#outbox`, a polite live region) in step with the
 * client's outbox and the server's reachability; hidden when there is nothing to say.
 * `data-waiting` holds the count (tests read it).
 *
 * @example
 * showOutbox(client, reach);
 */
export function showOutbox(client: SynclineClient, reach: Reachability): void {
  const element = document.getElementById('outbox');
  if (element === null) return;
  const show = (): void => {
    const text = outboxText(client.outbox.size(), reach.reachable());
    element.hidden = text === '';
    element.dataset['waiting'] = String(client.outbox.size());
    if (element.textContent !== text) element.textContent = text;
  };
  show();
  client.outbox.subscribe(show);
  reach.subscribe(show);
}

/**
 * The client as the header's connection status should see it: while the server is out of
 * reach, `reconnecting`, even where the client itself says `open` (on event streams with no
 * live view open, only HTTP requests show whether the server answers).
 *
 * @example
 * showConnectionState(withReachability(client, reach));
 */
export function withReachability(client: SynclineClient, reach: Reachability): SynclineClient {
  const state = (): ConnectionState => {
    const own = client.state();
    return reach.reachable() || own.kind !== 'open' ? own : { kind: 'connecting', attempt: 2 };
  };
  return {
    ...client,
    state,
    onStateChange(listener) {
      const stopState = client.onStateChange(() => listener(state()));
      const stopReach = reach.subscribe(() => listener(state()));
      return () => (stopState(), stopReach());
    },
  };
}

/** What {@link startOfflineClient} answers. */
export interface OfflinePage {
  readonly client: SynclineClient;
  /** The same client with its state corrected by reachability, for the connection status line. */
  readonly status: SynclineClient;
}

/**
 * Creates the page's client as an offline clone for `user`, asks the browser to keep its
 * storage, and starts the outbox indicator. A refused write was rolled back by the client;
 * `onRejected` tells the user why.
 *
 * @example
 * const { client, status } = startOfflineClient({ url: location.origin }, 'ana', (message) => showNotice(message));
 * showConnectionState(status);
 */
export function startOfflineClient(options: Omit<ClientOptions, 'offline' | 'fetch'>, user: string, onRejected: (message: string) => void): OfflinePage {
  const reach = createReachability();
  const client = createClient({ ...options, fetch: reach.fetch, offline: offlineOptions(new URL(options.url).origin, user) });
  reach.follow(client);
  void requestPersistentStorage();
  showOutbox(client, reach);
  client.on('rejected', (rejection) => onRejected(`Your change was not saved: ${rejection.error.message}`));
  return { client, status: withReachability(client, reach) };
}
