import type { Change } from '../storage/storage.js';

/** A message on a named topic: a JSON object (it crosses processes as JSON, so only JSON values survive). */
export type TopicMessage = Readonly<Record<string, unknown>>;

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
  /**
   * Publishes a JSON object on a named topic to every process (this one included), at most
   * once and in order for one publisher, like changes. Presence uses the topic `presence`.
   * Both built-in backplanes have it; a backplane without it keeps presence within each
   * process (the server reports that once at start).
   */
  publishTopic?(topic: string, message: TopicMessage): Promise<void>;
  /** Registers a listener for the messages of one topic. Receivers validate them: on Redis anyone can publish. */
  subscribeTopic?(topic: string, listener: (message: TopicMessage) => void): () => void;
  /**
   * Optional: called once by `createSyncline` before it migrates storage, to load what the
   * backplane needs (the Redis backplane imports `ioredis` here). A rejection stops the
   * start, so a driver that is not installed (`driver-missing`) is found at once. It does
   * not wait for a connection: an outage at start is the backplane's to ride out.
   */
  start?(): Promise<void>;
  close(): Promise<void>;
}
