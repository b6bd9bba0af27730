import type { PresenceData, PresenceMember, PresenceOp } from '@syncline/protocol';

/** One connection's presence at one URI, on one server process. */
export interface PresenceEntry {
  /** The server process that owns the connection. */
  readonly node: string;
  /** An opaque id, unique across processes. */
  readonly connection: string;
  /** The canonical presence URI (`/todos/42/presence`). */
  readonly uri: string;
  /** The principal's id; `null` for an anonymous connection, which is a member of its own. */
  readonly user: string | null;
  readonly name?: string;
  readonly state: string;
  readonly data: PresenceData;
  /** When it was announced, in milliseconds since the epoch on the owning process: the later of two equal states wins. */
  readonly at: number;
}

export type PresenceListener = (op: PresenceOp, member: PresenceMember) => void;

/**
 * Every presence entry this process knows of, its own and other processes', and the
 * members they make: one per user per URI, their connections' states combined.
 */
export interface PresenceRegistry {
  /** Adds or replaces an entry; `seenAt` is when it was last heard of (this process's clock). */
  set(entry: PresenceEntry, seenAt: number): void;
  /** Removes a connection's entry at one URI, or all of its entries; only `node`'s own. */
  remove(node: string, connection: string, uri?: string): void;
  /** Removes every entry of a process (it said goodbye). */
  removeNode(node: string): void;
  /** Removes other processes' entries not heard of since `before`. */
  expire(before: number, ownNode: string): void;
  has(connection: string, uri: string): boolean;
  /** How many URIs a connection is present at. */
  countOf(connection: string): number;
  members(uri: string): PresenceMember[];
  entriesOf(node: string): PresenceEntry[];
  /** Hears of joins, updates and leaves at one URI. */
  listen(uri: string, listener: PresenceListener): () => void;
}

interface Stored {
  entry: PresenceEntry;
  seenAt: number;
}

/** `editing` beats every other state, and every other state beats `viewing`. */
function rank(state: string): number {
  return state === 'editing' ? 2 : state === 'viewing' ? 0 : 1;
}

function memberKey(entry: PresenceEntry): string {
  return entry.user === null ? `connection ${entry.connection}` : `user ${entry.user}`;
}

function better(a: PresenceEntry, b: PresenceEntry): boolean {
  const byRank = rank(a.state) - rank(b.state);
  if (byRank !== 0) return byRank > 0;
  if (a.at !== b.at) return a.at > b.at;
  return a.connection > b.connection;
}

/** The member several connections of one user make: the state and data of the best one. */
function combine(tabs: readonly PresenceEntry[]): PresenceMember | undefined {
  let best: PresenceEntry | undefined;
  for (const tab of tabs) if (best === undefined || better(tab, best)) best = tab;
  if (best === undefined) return undefined;
  const member: PresenceMember = { user: best.user, state: best.state, data: best.data };
  if (best.user === null) member.connection = best.connection;
  const name = tabs.find((tab) => tab.name !== undefined)?.name;
  if (name !== undefined) member.name = name;
  return member;
}

function same(a: PresenceMember, b: PresenceMember): boolean {
  return a.state === b.state && a.name === b.name && JSON.stringify(a.data) === JSON.stringify(b.data);
}

/**
 * An in-memory presence registry. It does no I/O: the presence service feeds it from local
 * connections and from the backplane, and its listeners push events.
 *
 * @example
 * const registry = createPresenceRegistry();
 * registry.listen('/todos/42/presence', (op, member) => console.log(op, member.user));
 * registry.set({ node, connection, uri: '/todos/42/presence', user: 'ana', state: 'editing', data: {}, at: clock.now() }, clock.now());
 */
export function createPresenceRegistry(report: (error: unknown, where: string) => void): PresenceRegistry {
  const byUri = new Map<string, Map<string, Stored>>();
  const byConnection = new Map<string, Set<string>>();
  const listeners = new Map<string, Set<PresenceListener>>();

  const tabsOf = (uri: string, key: string): PresenceEntry[] => {
    const tabs: PresenceEntry[] = [];
    for (const stored of byUri.get(uri)?.values() ?? []) if (memberKey(stored.entry) === key) tabs.push(stored.entry);
    return tabs;
  };

  /** Runs a mutation of one member's tabs and tells the URI's listeners what it changed. */
  const mutate = (uri: string, key: string, change: () => void): void => {
    const before = combine(tabsOf(uri, key));
    change();
    const after = combine(tabsOf(uri, key));
    let op: PresenceOp | undefined;
    if (before === undefined && after !== undefined) op = 'join';
    else if (before !== undefined && after === undefined) op = 'leave';
    else if (before !== undefined && after !== undefined && !same(before, after)) op = 'update';
    const member = after ?? before;
    if (op === undefined || member === undefined) return;
    for (const listener of [...(listeners.get(uri) ?? [])]) {
      try {
        listener(op, member);
      } catch (error) {
        report(error, 'presence listener');
      }
    }
  };

  const drop = (uri: string, connection: string): void => {
    const atUri = byUri.get(uri);
    const stored = atUri?.get(connection);
    if (atUri === undefined || stored === undefined) return;
    mutate(uri, memberKey(stored.entry), () => {
      atUri.delete(connection);
      if (atUri.size === 0) byUri.delete(uri);
      const uris = byConnection.get(connection);
      uris?.delete(uri);
      if (uris?.size === 0) byConnection.delete(connection);
    });
  };

  const dropWhere = (test: (stored: Stored) => boolean): void => {
    const doomed: Array<[string, string]> = [];
    for (const [uri, atUri] of byUri) for (const [connection, stored] of atUri) if (test(stored)) doomed.push([uri, connection]);
    for (const [uri, connection] of doomed) drop(uri, connection);
  };

  return {
    set(entry, seenAt) {
      const atUri = byUri.get(entry.uri) ?? new Map<string, Stored>();
      const previous = atUri.get(entry.connection);
      if (previous !== undefined && previous.entry.node !== entry.node) return;
      if (previous !== undefined && previous.entry.user !== entry.user) drop(entry.uri, entry.connection);
      mutate(entry.uri, memberKey(entry), () => {
        atUri.set(entry.connection, { entry, seenAt });
        byUri.set(entry.uri, atUri);
        const uris = byConnection.get(entry.connection) ?? new Set<string>();
        uris.add(entry.uri);
        byConnection.set(entry.connection, uris);
      });
    },
    remove(node, connection, uri) {
      for (const one of uri === undefined ? [...(byConnection.get(connection) ?? [])] : [uri]) {
        if (byUri.get(one)?.get(connection)?.entry.node === node) drop(one, connection);
      }
    },
    removeNode: (node) => dropWhere((stored) => stored.entry.node === node),
    expire: (before, ownNode) => dropWhere((stored) => stored.entry.node !== ownNode && stored.seenAt < before),
    has: (connection, uri) => byUri.get(uri)?.has(connection) ?? false,
    countOf: (connection) => byConnection.get(connection)?.size ?? 0,
    members(uri) {
      const keys = new Set<string>();
      for (const stored of byUri.get(uri)?.values() ?? []) keys.add(memberKey(stored.entry));
      const members: PresenceMember[] = [];
      for (const key of [...keys].sort()) {
        const member = combine(tabsOf(uri, key));
        if (member !== undefined) members.push(member);
      }
      return members;
    },
    entriesOf(node) {
      const entries: PresenceEntry[] = [];
      for (const atUri of byUri.values()) for (const stored of atUri.values()) if (stored.entry.node === node) entries.push(stored.entry);
      return entries;
    },
    listen(uri, listener) {
      const set = listeners.get(uri) ?? new Set<PresenceListener>();
      listeners.set(uri, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(uri);
      };
    },
  };
}
