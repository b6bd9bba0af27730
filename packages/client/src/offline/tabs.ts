import { SynclineError, isErrorCode } from '@syncline/protocol';
import { isRecord, type JsonRecord } from '../requests/answers.js';

/** The slice of the Web Locks API (`navigator.locks`) the outbox needs. */
export interface LockManagerLike {
  /** Calls `callback` once the lock is granted; the lock is held until its promise settles. */
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/** The slice of `BroadcastChannel` the tabs talk over. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  close(): void;
}

/**
 * How several tabs of one origin share one replica and one outbox: the tab holding the Web
 * Lock `syncline-outbox:<url>` sends; the others persist their writes and say so on the
 * channel. Default in browsers: `navigator.locks` and `new BroadcastChannel('syncline:' + url)`.
 *
 * @example
 * createClient({ url, offline: { persistence, tabs: { locks: navigator.locks, channel: new BroadcastChannel('syncline:' + url) } } });
 */
export interface TabCoordination {
  readonly locks: LockManagerLike;
  readonly channel: ChannelLike;
}

/** What tabs tell each other. */
export type TabMessage =
  | { readonly type: 'syncline:changed' }
  | { readonly type: 'syncline:settled'; readonly key: string; readonly record: JsonRecord | null }
  | { readonly type: 'syncline:refused'; readonly key: string; readonly uri: string; readonly rejected: boolean; readonly error: { readonly code: string; readonly detail: string } }
  | { readonly type: 'syncline:handed-on'; readonly from: readonly string[]; readonly to: string }
  | { readonly type: 'syncline:reachable'; readonly reachable: boolean }
  /** A tab deleted the replica (`client.destroy()`): every other tab closes its client and opens the persistence no more. */
  | { readonly type: 'syncline:destroyed' };

export interface TabsOptions {
  /** `false`: one tab only (it sends). Undefined: the platform's, when it has both. */
  readonly coordination: TabCoordination | false | undefined;
  readonly url: string;
  /** This tab now holds the lock: it reads the outbox again and sends. */
  readonly onLeader: () => void;
  readonly onMessage: (message: TabMessage) => void;
}

/** This tab's side of the coordination. */
export interface Tabs {
  isLeader(): boolean;
  announce(message: TabMessage): void;
  /** Lets the lock go (to another tab) and closes the channel. */
  close(): void;
}

/**
 * Joins the tabs of one origin: asks for the outbox lock (held until `close`) and listens
 * to the channel. Without coordination (Node, or `tabs: false`) this tab leads at once.
 *
 * @example
 * const tabs = joinTabs({ coordination: undefined, url, onLeader: () => sender.kick(), onMessage });
 */
export function joinTabs(options: TabsOptions): Tabs {
  const coordination = options.coordination === undefined ? platformCoordination(options.url) : options.coordination;
  let leader = false;
  let closed = false;
  let release: () => void = () => {};
  if (!coordination) {
    leader = true;
    queueMicrotask(options.onLeader);
    return { isLeader: () => !closed, announce: () => {}, close: () => void (closed = true) };
  }
  const { locks, channel } = coordination;
  channel.addEventListener('message', (event) => {
    const message = messageOf(event.data);
    if (message && !closed) options.onMessage(message);
  });
  const held = new Promise<void>((resolve) => (release = resolve));
  void locks.request(`syncline-outbox:${options.url}`, async () => {
    if (closed) return;
    leader = true;
    options.onLeader();
    await held;
  });
  return {
    isLeader: () => leader && !closed,
    announce(message) {
      if (!closed) channel.postMessage(message);
    },
    close() {
      closed = true;
      leader = false;
      release();
      channel.close();
    },
  };
}

function platformCoordination(url: string): TabCoordination | false {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks === undefined || typeof globalThis.BroadcastChannel !== 'function') return false;
  return { locks, channel: new globalThis.BroadcastChannel(`syncline:${url}`) };
}

/** A channel message checked for shape: anything else on the channel is ignored. */
function messageOf(data: unknown): TabMessage | undefined {
  if (!isRecord(data)) return undefined;
  const { type, key } = data;
  if (type === 'syncline:changed' || type === 'syncline:destroyed') return { type };
  if (type === 'syncline:reachable' && typeof data['reachable'] === 'boolean') return { type, reachable: data['reachable'] };
  const { from, to } = data;
  if (type === 'syncline:handed-on' && Array.isArray(from) && from.every((item) => typeof item === 'string') && typeof to === 'string') return { type, from, to };
  if (typeof key !== 'string') return undefined;
  if (type === 'syncline:settled' && (data['record'] === null || isRecord(data['record']))) return { type, key, record: data['record'] };
  const error = data['error'];
  const uri = data['uri'];
  if (type === 'syncline:refused' && typeof uri === 'string' && isRecord(error) && typeof error['code'] === 'string' && typeof error['detail'] === 'string') return { type, key, uri, rejected: data['rejected'] === true, error: { code: error['code'], detail: error['detail'] } };
  return undefined;
}

/**
 * The error a refusal announced by another tab stands for.
 *
 * @example
 * errorOfMessage({ code: 'validation-failed', detail: 'title: too short' }).status; // 422
 */
export function errorOfMessage(error: { readonly code: string; readonly detail: string }): SynclineError {
  return new SynclineError(isErrorCode(error.code) ? error.code : 'internal', { detail: error.detail });
}
