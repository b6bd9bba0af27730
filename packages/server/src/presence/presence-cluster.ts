import { presenceDataSchema, presenceStateSchema } from '@syncline/protocol';
import { z } from 'zod';
import type { Backplane, TopicMessage } from '../backplane/backplane.js';
import type { Clock } from '../clock.js';
import type { PresenceEntry, PresenceRegistry } from './presence-registry.js';

/** The backplane topic presence travels on. */
export const PRESENCE_TOPIC = 'presence';

/** Entries per refresh message, so one message stays small however many connections a process holds. */
const REFRESH_CHUNK = 200;

const entrySchema = z.object({
  connection: z.string().min(1).max(128),
  uri: z.string().min(1).max(8192),
  user: z.string().nullable(),
  name: z.string().optional(),
  state: presenceStateSchema,
  data: presenceDataSchema,
  at: z.number(),
});

/**
 * What processes tell each other on the `presence` topic: an entry set or removed, a
 * refresh of all of a process's entries (they stay alive while refreshed), a request to
 * refresh now (a process that just started), and a goodbye (a process closing).
 */
const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upsert'), node: z.string(), entry: entrySchema }),
  z.object({ type: z.literal('remove'), node: z.string(), connection: z.string(), uri: z.string().optional() }),
  z.object({ type: z.literal('refresh'), node: z.string(), entries: z.array(entrySchema) }),
  z.object({ type: z.literal('sync'), node: z.string() }),
  z.object({ type: z.literal('bye'), node: z.string() }),
]);

export interface PresenceClusterOptions {
  readonly node: string;
  readonly backplane: Backplane;
  readonly registry: PresenceRegistry;
  readonly clock: Clock;
  readonly refreshMs: number;
  readonly timeoutMs: number;
  readonly reportError: (error: unknown, where: string) => void;
}

/** Shares this process's presence entries with the others and keeps theirs. */
export interface PresenceCluster {
  /** An entry of this process was set: tells the others. */
  announce(entry: PresenceEntry): void;
  /** This process's connection left one URI (or all of them). */
  withdraw(connection: string, uri?: string): void;
  /** Says goodbye (the others drop this process's entries at once) and stops. */
  close(): Promise<void>;
}

function wireEntry(entry: PresenceEntry): TopicMessage {
  const { node: _node, ...rest } = entry;
  return rest;
}

/**
 * Presence across processes, over the backplane. Each process owns its connections' entries
 * and publishes every change to them; every `refreshMs` it publishes them all again, and it
 * drops another process's entry not heard of within `timeoutMs` (a killed process, a lost
 * `remove`). A starting process asks the others to refresh at once, and so does a process
 * whose backplane reconnected (messages were lost meanwhile).
 *
 * @example
 * const cluster = startPresenceCluster({ node, backplane, registry, clock, refreshMs: 10_000, timeoutMs: 30_000, reportError });
 * cluster.announce(entry);
 */
export function startPresenceCluster(options: PresenceClusterOptions): PresenceCluster {
  const { node, backplane, registry, clock } = options;
  let closed = false;
  let refreshQueued = false;

  const publishTopic = backplane.publishTopic?.bind(backplane);
  const subscribeTopic = backplane.subscribeTopic?.bind(backplane);
  if (publishTopic === undefined || subscribeTopic === undefined) {
    options.reportError(new Error('the backplane has no topic channel (publishTopic, subscribeTopic): presence stays within this process'), 'presence');
  }
  const publish = (message: TopicMessage): void => {
    if (closed || publishTopic === undefined) return;
    publishTopic(PRESENCE_TOPIC, message).catch((error: unknown) => options.reportError(error, 'presence publish (the next refresh repeats it)'));
  };
  const refresh = (): void => {
    const entries = registry.entriesOf(node).map(wireEntry);
    for (let start = 0; start < entries.length; start += REFRESH_CHUNK) {
      publish({ type: 'refresh', node, entries: entries.slice(start, start + REFRESH_CHUNK) });
    }
  };
  const refreshSoon = (): void => {
    if (refreshQueued) return;
    refreshQueued = true;
    queueMicrotask(() => {
      refreshQueued = false;
      refresh();
    });
  };

  const receive = (raw: TopicMessage): void => {
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) return options.reportError(new Error(`malformed presence message: ${JSON.stringify(raw).slice(0, 200)}`), 'presence receive');
    const message = parsed.data;
    if (message.node === node || closed) return;
    const seenAt = clock.now();
    const store = (entry: z.infer<typeof entrySchema>): void => {
      const { name, ...rest } = entry;
      registry.set({ ...rest, ...(name === undefined ? {} : { name }), node: message.node }, seenAt);
    };
    switch (message.type) {
      case 'upsert':
        return store(message.entry);
      case 'refresh':
        return message.entries.forEach(store);
      case 'remove':
        return registry.remove(message.node, message.connection, message.uri);
      case 'sync':
        return refreshSoon();
      case 'bye':
        return registry.removeNode(message.node);
    }
  };

  const stopListening = subscribeTopic?.(PRESENCE_TOPIC, receive) ?? (() => {});
  const stopReconnects = backplane.onReconnect?.(() => {
    publish({ type: 'sync', node });
    refresh();
  });
  const ticking = clock.setInterval(() => {
    refresh();
    registry.expire(clock.now() - options.timeoutMs, node);
  }, options.refreshMs);
  publish({ type: 'sync', node });

  return {
    announce: (entry) => publish({ type: 'upsert', node, entry: wireEntry(entry) }),
    withdraw: (connection, uri) => publish(uri === undefined ? { type: 'remove', node, connection } : { type: 'remove', node, connection, uri }),
    async close() {
      if (closed) return;
      clock.clearInterval(ticking);
      stopReconnects?.();
      stopListening();
      await publishTopic?.(PRESENCE_TOPIC, { type: 'bye', node }).catch((error: unknown) => options.reportError(error, 'presence goodbye'));
      closed = true;
    },
  };
}
