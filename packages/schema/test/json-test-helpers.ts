import { SynclineError } from '@syncline/protocol';

/** Freezes a JSON value all the way down, so that any write to it throws (ESM is strict). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The SynclineError that `run` throws; fails the test if it throws nothing or something else. */
export function syncError(run: () => unknown): SynclineError {
  try {
    run();
  } catch (error) {
    if (error instanceof SynclineError) return error;
    throw error;
  }
  throw new Error('expected a SynclineError');
}
