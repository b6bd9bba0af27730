/**
 * Every limit of a Syncline server. Each has an environment variable (see config.ts and
 * docs/configuration.md) so operators and benchmarks can change it without code.
 */
export interface SynclineLimits {
  /** Largest HTTP request body, in bytes (413 beyond). */
  readonly maxBodyBytes: number;
  /** Largest WebSocket frame, in bytes (close 1009 beyond). */
  readonly maxFrameBytes: number;
  /** Deepest JSON nesting accepted on either surface (400 `json-too-deep`). */
  readonly maxJsonDepth: number;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Conditions one collection query may hold, each value of an `in` list counting as one (400 `invalid-query` beyond). */
  readonly maxQueryConditions: number;
  /** Require `If-Match` on PUT/PATCH/DELETE of existing records (428 without). */
  readonly requireIfMatch: boolean;
  /** Unsent bytes a socket may hold before it is closed as a slow consumer (4008). */
  readonly maxBufferedBytes: number;
  /** Heartbeat interval; a socket that misses one is terminated at the next. */
  readonly heartbeatMs: number;
  /** Open WebSocket connections per server process (503 on upgrade beyond). */
  readonly maxConnections: number;
  /** Open WebSocket connections per client address per process (429 on upgrade beyond). */
  readonly maxConnectionsPerAddress: number;
  readonly maxSubscriptions: number;
  readonly maxInflight: number;
  readonly maxConsecutiveErrors: number;
  /** Requests a connection may send per second, on average (a token bucket; `rate-limited` beyond, then close 4429). */
  readonly maxMessagesPerSecond: number;
  /** Requests a connection may send at once before the rate applies (the bucket's size). */
  readonly messageBurst: number;
  /** How many changes the log keeps; older ones are trimmed and a resume from before them reloads the snapshot. */
  readonly changeLogRetention: number;
  /** How often the change feed compares the log's head with what it dispatched. */
  readonly feedPollMs: number;
  /** How long the answer of a write under an `Idempotency-Key` is kept to answer its retries; then the key may be used afresh. */
  readonly idempotencyTtlMs: number;
  /** Entries one `POST /_reconcile` may hold (413 `payload-too-large` beyond). */
  readonly maxReconcileEntries: number;
  /** How often a process publishes its presence entries again, so the others keep them. */
  readonly presenceRefreshMs: number;
  /** Another process's presence entry not refreshed within this is dropped (a killed process's members leave). Longer than the refresh. */
  readonly presenceTimeoutMs: number;
  /** Largest presence `data`, in bytes of its JSON (413 beyond). */
  readonly presenceMaxDataBytes: number;
  /** URIs one connection may be present at at once (429 beyond). */
  readonly maxPresencePerConnection: number;
  /** At `close()` (SIGTERM): how long running operations may take to answer before sockets close with 1001. */
  readonly shutdownDrainMs: number;
}

export const DEFAULT_LIMITS: SynclineLimits = {
  maxBodyBytes: 1024 * 1024,
  maxFrameBytes: 1024 * 1024,
  maxJsonDepth: 32,
  defaultPageSize: 50,
  maxPageSize: 500,
  maxQueryConditions: 50,
  requireIfMatch: false,
  maxBufferedBytes: 4 * 1024 * 1024,
  heartbeatMs: 25_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 1_000,
  maxSubscriptions: 1_000,
  maxInflight: 64,
  maxConsecutiveErrors: 10,
  maxMessagesPerSecond: 100,
  messageBurst: 200,
  changeLogRetention: 100_000,
  feedPollMs: 1_000,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  maxReconcileEntries: 1_000,
  presenceRefreshMs: 10_000,
  presenceTimeoutMs: 30_000,
  presenceMaxDataBytes: 1024,
  maxPresencePerConnection: 100,
  shutdownDrainMs: 10_000,
};
