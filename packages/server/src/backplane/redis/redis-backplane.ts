import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import type { Change } from '../../storage/storage.js';
import type { Backplane, TopicMessage } from '../backplane.js';
import { loadRedisDriver, type RedisConnection, type RedisConstructor } from './redis-driver.js';
import { decodeMessage, encodeChange, encodeProbe, encodeTopic } from './redis-message.js';

export interface RedisBackplaneOptions {
  /** `redis://[:password@]host:6379[/db]`. */
  readonly url: string;
  /** The pub/sub channel every server of one app shares. Default `syncline:changes`. */
  readonly channel?: string;
  /**
   * How often to send a probe through the channel and expect it back (a subscriber can
   * answer PING yet receive nothing: docs/design-notes.md, "The change log is the truth"). A probe not back by the next one
   * reconnects the subscriber. Default 10000; 0 turns probing off.
   */
  readonly probeIntervalMs?: number;
  /** Names the connections `<name>:sub` and `<name>:pub` in CLIENT LIST. Default `syncline`. */
  readonly connectionName?: string;
  /** Connection errors, malformed messages, failed probes. Default: console.error. */
  readonly onError?: (error: unknown, where: string) => void;
  /** Loads the driver; tests pass one that fails. Default: `import('ioredis')`. */
  readonly loadDriver?: () => Promise<RedisConstructor>;
  /** The clock the probe runs on (made before the server, so given here too). Default the system's. */
  readonly clock?: Clock;
}

/** The Redis backplane, with what tests and health checks need. */
export interface RedisBackplane extends Backplane {
  /** Resolves once `ioredis` has loaded; rejects with `driver-missing` when it is not installed. */
  start(): Promise<void>;
  /** Resolves once both connections are up and the channel is subscribed. */
  ready(): Promise<void>;
  stats(): { reconnects: number; probeFailures: number; malformed: number };
}

/**
 * A backplane over Redis pub/sub: each change goes out as JSON on one channel, on a
 * publisher connection, and comes in on a dedicated subscriber connection (a subscribed
 * connection can run no other command). Redis pub/sub is at most once, which is fine:
 * the change feed heals gaps from the log. What it must not do is stay deaf unnoticed,
 * so every time the subscriber is back after a drop (or after a failed probe) it
 * resubscribes first and then tells `onReconnect` listeners, and the server reads the log.
 *
 * `ioredis` is imported when the backplane is created, not when this module loads (it is
 * an optional dependency); `createSyncline` awaits `start()`, so a missing package stops
 * the start with `driver-missing`.
 *
 * The publisher does not queue while disconnected (a Redis outage would otherwise
 * buffer every change in memory): `publish` rejects, the server reports it, and the log
 * carries the change.
 *
 * @example
 * import { createRedisBackplane } from '@syncline/server/redis';
 * const backplane = createRedisBackplane({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * const syncline = await createSyncline({ resources, storage, backplane });
 */
export function createRedisBackplane(options: RedisBackplaneOptions): RedisBackplane {
  const channel = options.channel ?? 'syncline:changes';
  const probeIntervalMs = options.probeIntervalMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const report = options.onError ?? ((error: unknown, where: string) => console.error(`[syncline] redis backplane: ${where}:`, error));
  const node = randomUUID();
  const listeners = new Set<(change: Change) => void>();
  const reconnectListeners = new Set<() => void>();
  const topicListeners = new Map<string, Set<(message: TopicMessage) => void>>();
  const stats = { reconnects: 0, probeFailures: 0, malformed: 0 };
  let subscribedOnce = false;
  let closed = false;
  let probesSent = 0;
  let probesSeen = 0;
  // Whether Redis has yet to answer the last probe's PUBLISH.
  let probeUnanswered = false;
  let markSubscribed = () => {};
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
  // Set once the driver has loaded and both connections are created.
  let sub: RedisConnection | undefined;
  let pub: RedisConnection | undefined;
  let publisherReady: Promise<void> | undefined;

  function onSubscriberReady(connection: RedisConnection): void {
    connection.subscribe(channel).then(
      () => {
        if (!subscribedOnce) {
          subscribedOnce = true;
          markSubscribed();
          return;
        }
        stats.reconnects++;
        for (const listener of [...reconnectListeners]) {
          try {
            listener();
          } catch (error) {
            report(error, 'reconnect listener');
          }
        }
      },
      (error: unknown) => report(error, `subscribing to ${channel}`),
    );
  }

  function onMessage(from: string, text: string): void {
    if (from !== channel) return;
    const message = decodeMessage(text);
    if (message === undefined) {
      stats.malformed++;
      report(new Error(`malformed message on ${channel}: ${text.slice(0, 200)}`), 'receive');
    } else if (message.type === 'probe') {
      if (message.node === node) probesSeen = Math.max(probesSeen, message.n);
    } else if (message.type === 'topic') {
      for (const listener of [...(topicListeners.get(message.topic) ?? [])]) {
        try {
          listener(message.message);
        } catch (error) {
          report(error, `${message.topic} listener`);
        }
      }
    } else {
      for (const listener of [...listeners]) {
        try {
          listener(message.change);
        } catch (error) {
          report(error, 'listener');
        }
      }
    }
  }

  function connect(Redis: RedisConstructor): void {
    // Resubscribing is ours, not ioredis's, so listeners hear of a reconnect only once the channel is back.
    const name = options.connectionName ?? 'syncline';
    const subscriber = new Redis(options.url, { connectionName: `${name}:sub`, autoResubscribe: false, maxRetriesPerRequest: null });
    const publisher = new Redis(options.url, { connectionName: `${name}:pub`, enableOfflineQueue: false });
    publisherReady = new Promise<void>((resolve) => publisher.once('ready', () => resolve()));
    subscriber.on('error', (error: unknown) => report(error, 'subscriber connection'));
    publisher.on('error', (error: unknown) => report(error, 'publisher connection'));
    subscriber.on('ready', () => onSubscriberReady(subscriber));
    subscriber.on('message', onMessage);
    sub = subscriber;
    pub = publisher;
  }

  const loaded = (options.loadDriver ?? loadRedisDriver)().then((Redis) => {
    if (!closed) connect(Redis);
  });
  // Answered by start(), ready() and publish; reported here too, in case none is called.
  loaded.catch((error: unknown) => report(error, 'loading ioredis'));

  /** The publisher, once loaded; rejects when closed or when the driver is missing. */
  async function publisher(): Promise<RedisConnection> {
    if (closed) throw new Error('Redis backplane is closed');
    await loaded;
    if (closed || pub === undefined) throw new Error('Redis backplane is closed');
    return pub;
  }

  function probe(): void {
    if (sub === undefined || pub === undefined || sub.status !== 'ready' || pub.status !== 'ready') return;
    if (probesSent > probesSeen) {
      // The last probe went out a whole interval ago and never came back: the loop is broken.
      stats.probeFailures++;
      probesSeen = probesSent;
      report(new Error(`probe ${probesSent} did not come back on ${channel}; reconnecting the subscriber${probeUnanswered ? ' and the publisher' : ''}`), 'liveness probe');
      sub.disconnect(true);
      // Redis did not even answer the PUBLISH (frozen, or a stalled host): every change published
      // meanwhile waits in the publisher's memory. Dropping the connection rejects them (the log
      // carries the changes) and bounds that memory to one probe interval of writes.
      if (probeUnanswered) pub.disconnect(true);
      return;
    }
    const n = ++probesSent;
    probeUnanswered = true;
    pub.publish(channel, encodeProbe(node, n)).then(
      () => (probeUnanswered = false),
      (error: unknown) => {
        probeUnanswered = false;
        // The publisher failed, not the subscriber: do not count it against the loop.
        probesSeen = Math.max(probesSeen, n);
        report(error, 'liveness probe publish');
      },
    );
  }
  const timer = probeIntervalMs > 0 ? clock.setInterval(probe, probeIntervalMs) : undefined;

  return {
    async publish(change) {
      await (await publisher()).publish(channel, encodeChange(change));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publishTopic(topic, message) {
      await (await publisher()).publish(channel, encodeTopic(topic, message));
    },
    subscribeTopic(topic, listener) {
      const set = topicListeners.get(topic) ?? new Set();
      topicListeners.set(topic, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    start: () => loaded,
    async ready() {
      await loaded;
      await Promise.all([subscribed, publisherReady]);
    },
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      clock.clearInterval(timer);
      listeners.clear();
      reconnectListeners.clear();
      topicListeners.clear();
      // QUIT lets a publish already sent finish; a connection that is down just stops retrying.
      await loaded.catch(() => undefined);
      const connections = [pub, sub].filter((redis): redis is RedisConnection => redis !== undefined);
      await Promise.all(connections.map((redis) => (redis.status === 'ready' ? redis.quit().then(() => undefined, () => redis.disconnect()) : redis.disconnect())));
    },
  };
}
