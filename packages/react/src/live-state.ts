import type { LiveView, SynclineClient } from '@syncline/client';
import { SynclineError } from '@syncline/protocol';

/** Where a live value stands: loading until its first snapshot, then ready, or error when refused. */
export type LiveStatus = 'loading' | 'ready' | 'error';

/** What `useRecord` and `useCollection` answer: the same object until something changes. */
export interface LiveState<T> {
  readonly data: T;
  readonly status: LiveStatus;
  readonly error: SynclineError | undefined;
}

/**
 * One live view shared by every mounted component that uses the same URI on the same client.
 * Components subscribe through `useSyncExternalStore`; the view is opened at the first
 * subscriber and closed (UNSUBSCRIBE) when the last one leaves. The close waits one task, so
 * a component that unmounts and mounts again at once (strict mode's double effects, a move in
 * the tree) keeps the one subscription instead of ending and reopening it.
 */
interface SharedView<T> {
  state: LiveState<T>;
  readonly listeners: Set<() => void>;
  refs: number;
  view: LiveView<T> | undefined;
  stopView: (() => void) | undefined;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;
}

const shared = new WeakMap<SynclineClient, Map<string, SharedView<unknown>>>();

function viewsOf(client: SynclineClient): Map<string, SharedView<unknown>> {
  let views = shared.get(client);
  if (!views) {
    views = new Map();
    shared.set(client, views);
  }
  return views;
}

/** The current state of `key` on `client`, or `initial` when no component holds it. Calls nothing on the client. */
export function currentState<T>(client: SynclineClient, key: string, initial: LiveState<T>): LiveState<T> {
  const entry = shared.get(client)?.get(key) as SharedView<T> | undefined;
  return entry?.state ?? initial;
}

/** How to start a shared live value: its state until the view answers, and how to open the view. */
export interface SharedSource<T> {
  readonly initial: LiveState<T>;
  readonly open: () => LiveView<T>;
}

/**
 * Subscribes `listener` to the live value `key`, opening it with `source.open` when no
 * component holds it yet; returns the unsubscribe function (for `useSyncExternalStore`).
 */
export function subscribeShared<T>(client: SynclineClient, key: string, source: SharedSource<T>, listener: () => void): () => void {
  const { initial, open } = source;
  const views = viewsOf(client);
  let entry = views.get(key) as SharedView<T> | undefined;
  if (!entry) {
    entry = { state: initial, listeners: new Set(), refs: 0, view: undefined, stopView: undefined, releaseTimer: undefined };
    views.set(key, entry as SharedView<unknown>);
  }
  const held = entry;
  held.refs++;
  held.listeners.add(listener);
  if (held.releaseTimer !== undefined) {
    clearTimeout(held.releaseTimer);
    held.releaseTimer = undefined;
  }
  if (!held.view && held.state.status !== 'error') start(held, open);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.listeners.delete(listener);
    if (--held.refs > 0) return;
    held.releaseTimer = setTimeout(() => {
      held.releaseTimer = undefined;
      if (held.refs > 0) return;
      const view = held.view;
      held.stopView?.();
      view?.close();
      if (views.get(key) === held) views.delete(key);
    }, 0);
  };
}

function start<T>(held: SharedView<T>, open: () => LiveView<T>): void {
  let view: LiveView<T>;
  try {
    view = open();
  } catch (error) {
    // e.g. a client on `transport: 'http'`, which has no live views.
    const failure = error instanceof SynclineError ? error : new SynclineError('internal', { detail: String(error), cause: error });
    update(held, { data: held.state.data, status: 'error', error: failure });
    return;
  }
  let ready = false;
  const refresh = (): void => {
    if (held.view !== view) return;
    const error = view.error();
    update(held, { data: view.getSnapshot(), status: error ? 'error' : ready ? 'ready' : 'loading', error });
  };
  held.view = view;
  const stop = view.subscribe(refresh);
  held.stopView = () => {
    stop();
    held.view = undefined;
    held.stopView = undefined;
  };
  view.ready.then(
    () => ((ready = true), refresh()),
    () => refresh(),
  );
  refresh();
}

/** Replaces the state only when something changed, so React re-renders only then. */
function update<T>(held: SharedView<T>, next: LiveState<T>): void {
  const now = held.state;
  if (now.data === next.data && now.status === next.status && now.error === next.error) return;
  held.state = next;
  for (const listener of [...held.listeners]) listener();
}
