import type { SynclineError } from '@syncline/protocol';

/**
 * A value that changes over time, shaped for React's `useSyncExternalStore`:
 * `getSnapshot()` returns the same reference until something changed.
 *
 * @example
 * const todo = client.resource(todos).live(id);
 * const stop = todo.subscribe(() => render(todo.getSnapshot()));
 * await todo.ready;
 * todo.close();
 */
export interface LiveView<T> {
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
  /** Settles once the first snapshot is in (rejects when the SUBSCRIBE is refused). */
  readonly ready: Promise<void>;
  /** Why the subscription ended, if it was refused. */
  error(): SynclineError | undefined;
  /** Releases this handle; the last one released UNSUBSCRIBEs. Idempotent. */
  close(): void;
}

/** Listener bookkeeping and the `ready` promise, shared by live records and queries. */
export interface ViewCore {
  readonly listeners: Set<() => void>;
  readonly ready: Promise<void>;
  notify(): void;
  settle(error?: SynclineError): void;
  error(): SynclineError | undefined;
}

export function createViewCore(): ViewCore {
  const listeners = new Set<() => void>();
  let failure: SynclineError | undefined;
  let resolve: () => void = () => {};
  let reject: (error: SynclineError) => void = () => {};
  const ready = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // A view nobody awaits must not report an unhandled rejection; error() still tells.
  ready.catch(() => {});
  return {
    listeners,
    ready,
    notify: () => {
      for (const listener of [...listeners]) listener();
    },
    settle(error) {
      if (error === undefined) return resolve();
      failure = error;
      reject(error);
    },
    error: () => failure,
  };
}

/**
 * Shares one live view per key among handles: each `acquire` returns a handle whose
 * `close` releases it once, and the view is disposed when the last handle goes.
 */
export function createViewPool<T>() {
  const pool = new Map<string, { view: LiveView<T>; dispose: () => void; refs: number }>();
  return {
    acquire(key: string, create: () => { view: LiveView<T>; dispose: () => void }): LiveView<T> {
      let shared = pool.get(key);
      if (!shared) {
        shared = { ...create(), refs: 0 };
        pool.set(key, shared);
      }
      const held = shared;
      held.refs++;
      let released = false;
      return {
        subscribe: (listener) => held.view.subscribe(listener),
        getSnapshot: () => held.view.getSnapshot(),
        ready: held.view.ready,
        error: () => held.view.error(),
        close() {
          if (released) return;
          released = true;
          if (--held.refs > 0) return;
          pool.delete(key);
          held.dispose();
        },
      };
    },
  };
}
