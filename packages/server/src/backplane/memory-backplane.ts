import type { Change } from '../storage/storage.js';
import type { Backplane } from './backplane.js';

/** A bus that several in-process backplanes share, so that several servers in one process behave as a cluster. */
export interface MemoryBus {
  readonly listeners: Set<(change: Change) => void>;
}

export function createMemoryBus(): MemoryBus {
  return { listeners: new Set() };
}

/**
 * The default backplane: in-process, no service. Delivery is asynchronous (a microtask),
 * as it would be over a network, so code that works on it does not rely on synchronous delivery.
 *
 * @example
 * const bus = createMemoryBus();
 * const a = createSyncline({ ..., backplane: createMemoryBackplane(bus) });
 * const b = createSyncline({ ..., backplane: createMemoryBackplane(bus) });
 */
export function createMemoryBackplane(bus: MemoryBus = createMemoryBus()): Backplane {
  const own = new Set<(change: Change) => void>();
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
    close() {
      for (const listener of own) bus.listeners.delete(listener);
      own.clear();
      return Promise.resolve();
    },
  };
}
