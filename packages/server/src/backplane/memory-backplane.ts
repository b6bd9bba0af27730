import type { Change } from '../storage/storage.js';
import type { Backplane, TopicMessage } from './backplane.js';

type TopicListener = (topic: string, message: TopicMessage) => void;

/** A bus that several in-process backplanes share, so that several servers in one process behave as a cluster. */
export interface MemoryBus {
  readonly listeners: Set<(change: Change) => void>;
  readonly topicListeners: Set<TopicListener>;
}

export function createMemoryBus(): MemoryBus {
  return { listeners: new Set(), topicListeners: new Set() };
}

/**
 * The default backplane: in-process, no service. Delivery is asynchronous (a microtask),
 * as it would be over a network, so code that works on it does not rely on synchronous delivery.
 * Topic messages go through a JSON round trip, as they would between processes.
 *
 * @example
 * const bus = createMemoryBus();
 * const a = createSyncline({ ..., backplane: createMemoryBackplane(bus) });
 * const b = createSyncline({ ..., backplane: createMemoryBackplane(bus) });
 */
export function createMemoryBackplane(bus: MemoryBus = createMemoryBus()): Backplane {
  const own = new Set<(change: Change) => void>();
  const ownTopic = new Set<TopicListener>();
  return {
    publish(change) {
      const listeners = [...bus.listeners];
      queueMicrotask(() => {
        for (const listener of listeners) listener(change);
      });
      return Promise.resolve();
    },
    subscribe(listener) {
      bus.listeners.add(listener);
      own.add(listener);
      return () => {
        bus.listeners.delete(listener);
        own.delete(listener);
      };
    },
    publishTopic(topic, message) {
      const text = JSON.stringify(message);
      const listeners = [...bus.topicListeners];
      queueMicrotask(() => {
        for (const listener of listeners) listener(topic, JSON.parse(text) as TopicMessage);
      });
      return Promise.resolve();
    },
    subscribeTopic(topic, listener) {
      const filtered: TopicListener = (to, message) => {
        if (to === topic) listener(message);
      };
      bus.topicListeners.add(filtered);
      ownTopic.add(filtered);
      return () => {
        bus.topicListeners.delete(filtered);
        ownTopic.delete(filtered);
      };
    },
    close() {
      for (const listener of own) bus.listeners.delete(listener);
      for (const listener of ownTopic) bus.topicListeners.delete(listener);
      own.clear();
      ownTopic.clear();
      return Promise.resolve();
    },
  };
}
