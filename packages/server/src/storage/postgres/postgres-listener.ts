import { systemClock, type Clock, type TimerHandle } from '../../clock.js';

/** The slice of pg's `Client` the listener calls. */
export interface PgListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  end(): Promise<void>;
}

export interface NotificationListenerOptions {
  /** A new, not yet connected client (a dedicated connection: LISTEN holds it). */
  readonly createClient: () => Promise<PgListenClient>;
  readonly channel: string;
  readonly onError: (error: Error) => void;
  /** The wait before connecting again after the connection was lost. Default 1000 ms. */
  readonly retryMs?: number;
  /** The clock of that wait. Default the system's. */
  readonly clock?: Clock;
}

export interface NotificationListener {
  /** Calls `listener` on each notification, and after each (re)connection; answers a function that removes it. */
  add(listener: () => void): () => void;
  close(): Promise<void>;
}

/**
 * LISTEN on one channel over a dedicated connection, opened with the first listener and
 * opened again (after `retryMs`) when lost. Listeners are also called once the LISTEN is
 * in place, since notifications sent while it was not are gone: the caller reads the log.
 */
export function createNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const listeners = new Set<() => void>();
  const retryMs = options.retryMs ?? 1000;
  let client: PgListenClient | undefined;
  let started = false;
  let closed = false;
  let retry: TimerHandle | undefined;
  const clock = options.clock ?? systemClock;

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  const scheduleRetry = () => {
    if (closed || retry) return;
    retry = clock.setTimeout(() => {
      retry = undefined;
      void open();
    }, retryMs);
  };

  async function open(): Promise<void> {
    if (closed) return;
    let current: PgListenClient | undefined;
    try {
      current = await options.createClient();
      const opened = current;
      let lost = false;
      const onLost = () => {
        if (lost) return;
        lost = true;
        if (client === opened) client = undefined;
        scheduleRetry();
      };
      opened.on('error', (error) => {
        if (!closed) options.onError(error);
        onLost();
      });
      opened.on('end', onLost);
      opened.on('notification', (message) => {
        if (message.channel === options.channel) notify();
      });
      await opened.connect();
      await opened.query(`LISTEN "${options.channel.replaceAll('"', '""')}"`);
      if (closed) {
        await opened.end().catch(() => undefined);
        return;
      }
      client = opened;
      notify();
    } catch (error) {
      if (closed) return;
      options.onError(error instanceof Error ? error : new Error(String(error)));
      await current?.end().catch(() => undefined);
      scheduleRetry();
    }
  }

  return {
    add(listener) {
      listeners.add(listener);
      if (!started && !closed) {
        started = true;
        void open();
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      clock.clearTimeout(retry);
      const open = client;
      client = undefined;
      await open?.end().catch(() => undefined);
    },
  };
}
