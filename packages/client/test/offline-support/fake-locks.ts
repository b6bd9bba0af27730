import type { LockManagerLike } from '../../src/index.js';

/**
 * An in-memory Web Locks manager (exclusive locks, granted in request order): what
 * `navigator.locks` does across the tabs of one origin, for tests in Node.
 *
 * @example
 * const locks = createFakeLocks();
 * await locks.request('a', async () => { ... }); // held until the callback's promise settles
 */
export function createFakeLocks(): LockManagerLike & { holders(name: string): number } {
  const queues = new Map<string, Array<() => void>>();
  const held = new Set<string>();
  const next = (name: string): void => {
    const waiting = queues.get(name);
    const grant = waiting?.shift();
    if (grant) grant();
    else held.delete(name);
  };
  return {
    request(name, callback) {
      return new Promise((resolve, reject) => {
        const grant = (): void => {
          held.add(name);
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => next(name));
        };
        if (!held.has(name)) {
          held.add(name);
          grant();
        } else queues.set(name, [...(queues.get(name) ?? []), grant]);
      });
    },
    holders: (name) => (held.has(name) ? 1 : 0),
  };
}
