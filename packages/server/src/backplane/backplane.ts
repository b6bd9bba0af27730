import type { Change } from '../storage/storage.js';

/**
 * Carries committed changes between server processes. It is a hint, not the truth: the
 * change log is. A process that misses a message notices the gap in `seq` (or polls the
 * log) and reads what it missed from storage, so a backplane may be at-most-once.
 *
 * @example
 * const unsubscribe = backplane.subscribe((change) => feed.receive(change));
 * await backplane.publish(change);
 */
export interface Backplane {
  publish(change: Change): Promise<void>;
  /** Registers a listener for changes published by any process (this one included). */
  subscribe(listener: (change: Change) => void): () => void;
  /**
   * Optional: registers a listener called when the backplane's subscription was lost and
   * is back (a reconnect, a failed liveness probe). Messages published meanwhile are gone,
   * so the server reads the log at once instead of waiting for its next poll.
   */
  onReconnect?(listener: () => void): () => void;
  close(): Promise<void>;
}
