import { SynclineError } from '@syncline/protocol';
import { uuidv7 } from '@syncline/schema';
import { systemClock, type Clock } from '../clock.js';
import type { BackoffOptions } from '../connection/connection-state.js';
import { asSynclineError, isRecord, type JsonRecord } from '../requests/answers.js';
import type { Transport } from '../requests/transport.js';
import { sameRecord, writeBackOf } from './conflict-settlement.js';
import type { ConflictPolicy, ConflictPolicyName, HeldConflict, PendingWrite, PersistenceBatch, ReplicaPersistence } from './offline-types.js';
import type { OutboxView } from './outbox.js';
import { reconcile } from './reconcile.js';
import { createReplicaCore, type ReplicaCore, type ReplicaEvents } from './replica-core.js';
import { refreshFromPersistence } from './refresh.js';
import { clearStore, DESTROY_TIMEOUT_MS, outboxEmptied, UnsentWritesError, type DestroyOptions } from './replica-destroy.js';
import { createSender } from './sender.js';
import { errorOfMessage, joinTabs, type TabCoordination } from './tabs.js';

/** `createClient({ offline })`: the client as an offline clone (docs/client.md, "Offline"). */
export interface OfflineOptions {
  /** Where the replica, the outbox and held conflicts live (`memoryPersistence()`, `indexedDbPersistence(…)`, `filePersistence(…)`). The application owns it: closing the client leaves it open. */
  readonly persistence: ReplicaPersistence;
  /** The conflict policy per resource name; overridden per call. */
  readonly policies?: Readonly<Record<string, ConflictPolicy>>;
  /** The policy of resources not in `policies`. Default `'merge'`. */
  readonly policy?: ConflictPolicy;
  /** Tabs sharing the persistence: the platform's Web Locks and BroadcastChannel by default (browsers), `false` for one tab. */
  readonly tabs?: TabCoordination | false;
  /**
   * The replica's name among tabs: tabs with the same name share one sender (the Web Lock
   * `syncline-outbox:<name>`) and one channel (`syncline:<name>`). Default: the server's URL.
   * Give each replica its own (e.g. one per signed-in user on a shared browser), as its persistence is.
   */
  readonly name?: string;
}

/** A write for the outbox: what the resource client asks for. */
export interface OfflineWriteRequest {
  readonly uri: string;
  readonly method: 'PUT' | 'PATCH' | 'DELETE';
  /** A create: `PUT` with `If-None-Match: *` to a client-chosen id. */
  readonly create?: boolean;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly policy?: ConflictPolicyName;
}

/** The application's choice for a held conflict: a record, `null` (deleted), or `'server'` (take the server's version). */
export type ConflictChoice = JsonRecord | null | 'server';

export interface OfflineReplica {
  readonly core: ReplicaCore;
  /** Settles once the persisted replica, outbox and held conflicts are in the store. */
  readonly ready: Promise<void>;
  readonly outbox: OutboxView;
  write(request: OfflineWriteRequest): Promise<JsonRecord | null>;
  conflicts(): readonly HeldConflict[];
  resolve(uri: string, choice: ConflictChoice): Promise<JsonRecord | null>;
  /** The connection opened: reconcile, then send. */
  online(): void;
  /** The connection was lost: reconcile on the next `online`. */
  offline(): void;
  close(): void;
  /** Sends or discards what waits, deletes the persisted replica and tells the other tabs (`client.destroy`). */
  destroy(options?: DestroyOptions): Promise<void>;
}

export interface OfflineReplicaOptions extends BackoffOptions {
  readonly offline: OfflineOptions;
  readonly url: string;
  readonly transport: Transport;
  readonly events: ReplicaEvents;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Another tab deleted the replica: this one closed and opens its persistence no more. */
  readonly onDestroyed?: () => void;
  /** The clock of the retries, the healing re-reads and `destroy`'s wait. Default the system's. */
  readonly clock?: Clock | undefined;
}

/**
 * The offline engine (issue 8): a durable replica and outbox, optimistic state rebased on the
 * server's, reconciliation on start and on every reconnect, conflict policies, and one sender
 * among the tabs. Every write is persisted with the entry's new view in one commit before it
 * counts; its promise settles when the server acknowledges or refuses it, never on a timeout.
 *
 * @example
 * const replica = createOfflineReplica({ offline: { persistence: memoryPersistence() }, url, transport, events });
 * await replica.ready;
 * await replica.write({ uri: '/todos/0193…', method: 'PATCH', body: { done: true }, headers });
 */
/** How often a tab that does not send re-reads the shared outbox while writes wait. */
const FOLLOWER_REFRESH_MS = 2_000;

export function createOfflineReplica(options: OfflineReplicaOptions): OfflineReplica {
  const { persistence } = options.offline;
  const clock = options.clock ?? systemClock;
  const core = createReplicaCore({
    persistence,
    policy: options.offline.policy ?? 'merge',
    policies: options.offline.policies ?? {},
    events: options.events,
    onError: options.onError,
    onCommit: () => tabs.announce({ type: 'syncline:changed' }),
    onSettled: (write, outcome, rejected) =>
      tabs.announce('error' in outcome ? { type: 'syncline:refused', key: write.key, uri: write.uri, rejected, error: { code: outcome.error.code, detail: outcome.error.message } } : { type: 'syncline:settled', key: write.key, record: outcome.record }),
    onHandedOn: (from, to) => tabs.announce({ type: 'syncline:handed-on', from, to }),
  });
  const { outbox, store } = core;
  let loaded = false;
  // Writes shown at once but not yet committed: a refresh that runs first keeps them in memory.
  const uncommitted = new Set<string>();
  const refresh = (): Promise<void> => core.serial(() => refreshFromPersistence(core, true, uncommitted));
  const sender = createSender({
    ...options,
    core,
    reconcile: () => reconcile(core, options.transport, clock),
  });
  const ready = core.serial(() => refreshFromPersistence(core, false)).then(() => {
    loaded = true;
  });
  const send = (): void => void ready.then(() => tabs.isLeader() && sender.kick());
  const tabs = joinTabs({
    coordination: options.offline.tabs,
    url: options.offline.name ?? options.url,
    // A new leader reads the outbox other tabs wrote, then sends it (same keys: nothing doubles).
    onLeader: () => void ready.then(refresh).then(send, send),
    onMessage(message) {
      switch (message.type) {
        case 'syncline:changed':
          return void refresh().then(send, (error: unknown) => options.onError?.(error));
        case 'syncline:settled':
          return outbox.settle(message.key, { record: message.record });
        case 'syncline:refused': {
          const error = errorOfMessage(message.error);
          outbox.settle(message.key, { error });
          if (message.rejected) options.events.rejected({ uri: message.uri, key: message.key, error });
          return;
        }
        case 'syncline:handed-on':
          return outbox.handOn(message.from, message.to);
        case 'syncline:reachable':
          return outbox.setReachable(message.reachable);
        case 'syncline:destroyed':
          return void destroyedElsewhere();
      }
    },
  });
  // Messages between tabs are hints; persistence is the truth. While writes wait, a tab that
  // does not send re-reads it now and then and tells the sender again, so a message either
  // of them missed cannot leave a write unsent or shown as waiting after it was settled.
  const healing = clock.setInterval(() => {
    if (!loaded || tabs.isLeader() || outbox.size() === 0) return;
    refresh().then(
      () => void (outbox.size() > 0 && tabs.announce({ type: 'syncline:changed' })),
      (error: unknown) => options.onError?.(error),
    );
  }, FOLLOWER_REFRESH_MS);
  (healing as { unref?: () => void }).unref?.();
  // The sending tab's finding about the server is every tab's.
  let reachable = outbox.reachable();
  outbox.subscribe(() => {
    if (outbox.reachable() === reachable) return;
    reachable = outbox.reachable();
    if (tabs.isLeader()) tabs.announce({ type: 'syncline:reachable', reachable });
  });
  // Entries that change without a write (pushed changes, reads) are persisted too, batched.
  const unsaved = new Set<string>();
  store.subscribe((uri) => {
    // Once closed, nothing more is written: a deleted replica must not be recreated.
    if (!loaded || closed) return;
    if (unsaved.size === 0) queueMicrotask(() => void core.serial(() => flush()).catch((error: unknown) => options.onError?.(error)));
    unsaved.add(uri);
  });
  const flush = async (): Promise<void> => {
    const uris = [...unsaved];
    unsaved.clear();
    const putEntries = uris.flatMap((uri) => store.get(uri) ?? []);
    await persistence.commit({ putEntries, deleteEntries: uris.filter((uri) => !store.get(uri)) });
  };
  // A settlement that ran between a write's put and its commit (a conflict met by earlier
  // writes of its URI) has already replaced, dropped or held it: persisting it then would
  // leave a write the caller saw refused in the outbox, to be sent by the next client.
  const commitQueued = (write: PendingWrite, batch: PersistenceBatch): Promise<void> => {
    uncommitted.delete(write.key);
    return core.commit(outbox.get(write.key) ? { ...batch, putWrites: [write] } : batch, [write.uri]);
  };
  const queue = (write: PendingWrite): Promise<JsonRecord | null> => {
    const settled = outbox.wait(write.key);
    uncommitted.add(write.key);
    outbox.put(write);
    core.show(write.uri);
    core.serial(() => commitQueued(write, {})).then(
      send,
      (error: unknown) => {
        outbox.remove([write.key]);
        core.show(write.uri);
        outbox.settle(write.key, { error: asSynclineError(error) });
      },
    );
    return settled;
  };

  let closed = false;
  const shutDown = (detail: string): void => {
    closed = true;
    clock.clearInterval(healing);
    sender.stop();
    tabs.close();
    outbox.abandon(new SynclineError('unavailable', { detail }));
  };
  // Another tab deleted the replica: its data must not come back from this tab's memory or
  // from a store this tab would open again.
  const destroyedElsewhere = async (): Promise<void> => {
    if (closed) return;
    shutDown('The replica was deleted in another tab; this write was discarded.');
    clearStore(store);
    await persistence.close().catch((error: unknown) => options.onError?.(error));
    options.onDestroyed?.();
  };

  const replica: OfflineReplica = {
    core,
    ready,
    outbox,
    write(request) {
      if (!loaded) return ready.then(() => replica.write(request));
      const { uri, method, body, headers, policy } = request;
      return queue({
        key: uuidv7(),
        order: outbox.nextOrder(),
        uri,
        method,
        create: request.create ?? false,
        madeAt: clock.now(),
        ...(body === undefined ? {} : { body }),
        ...(headers === undefined ? {} : { headers }),
        ...(policy === undefined ? {} : { policy }),
      });
    },
    conflicts: () => [...core.conflicts.values()],
    async resolve(uri, choice) {
      await ready;
      const held = core.conflicts.get(uri);
      if (!held) throw new SynclineError('not-found', { detail: `No conflict is held for ${uri}.` });
      if (choice !== null && choice !== 'server' && !isRecord(choice)) throw new SynclineError('bad-request', { detail: "Resolve a conflict with a record, null (deleted) or 'server'." });
      core.conflicts.delete(uri);
      outbox.conflictsChanged();
      if (choice === 'server' || sameRecord(choice, held.server)) {
        core.show(uri);
        await core.serial(() => core.commit({ deleteConflicts: [uri] }, [uri]));
        // The server's record: the view also shows edits made since the hold, still pending.
        return store.get(uri)?.base ?? null;
      }
      // The choice is written with If-Match on the server version the user saw. If that moved
      // since (a pushed change, another writer, a lost answer), the choice meets the newer
      // version as a resolution: merged with it or held again, never overruled unseen and
      // never acknowledged without it (conflict-settlement.ts).
      const writeBack = writeBackOf(uri, choice, { record: held.server, etag: held.serverEtag }, { order: outbox.nextOrder(), resolution: true });
      const settled = outbox.wait(writeBack.key);
      // The sender may take the write-back and settle it while its commit is awaited below, before
      // the caller holds the promise: a rejection then is not unhandled. The caller still gets it.
      settled.catch(() => undefined);
      uncommitted.add(writeBack.key);
      outbox.put(writeBack);
      core.show(uri);
      await core.serial(() => commitQueued(writeBack, { deleteConflicts: [uri] }));
      send();
      return settled;
    },
    online: send,
    offline: () => sender.lost(),
    close() {
      if (!closed) shutDown('The client is closed; its pending writes stay in the outbox, and the next client on this persistence sends them.');
    },
    async destroy(destroyOptions = {}) {
      await ready;
      if (closed) throw new SynclineError('bad-request', { detail: 'The client is closed; open one on the persistence to delete it.' });
      if ((destroyOptions.pending ?? 'send') === 'send') {
        const timeoutMs = destroyOptions.timeoutMs ?? DESTROY_TIMEOUT_MS;
        // Held conflicts wait for the user, not for the server: no wait can send them.
        const emptied = core.conflicts.size === 0 && (await outboxEmptied({ outbox, timeoutMs, clock, kick: () => (tabs.isLeader() ? sender.kick() : tabs.announce({ type: 'syncline:changed' })) }));
        if (!emptied || core.conflicts.size > 0) throw new UnsentWritesError({ waiting: outbox.size(), conflicts: core.conflicts.size, timeoutMs });
      }
      // The other tabs hear it before the database goes, and this tab keeps the outbox lock
      // until it is gone, so no tab takes over the sending and reads the replica back meanwhile.
      tabs.announce({ type: 'syncline:destroyed' });
      closed = true;
      clock.clearInterval(healing);
      sender.stop();
      try {
        await core.serial(() => persistence.destroy());
      } finally {
        shutDown('The replica was deleted; this write was discarded.');
        clearStore(store);
      }
    },
  };
  return replica;
}
