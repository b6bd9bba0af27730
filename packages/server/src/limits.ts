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
  /** PostgreSQL: the most concurrent writes of one process that share one transaction (group commit); 1 commits each alone. */
  readonly maxWriteBatch: number;
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
  /** Longest URI a socket, an event stream or presence may subscribe to, in bytes (414 `uri-too-long` beyond). */
  readonly maxSubscriptionUriBytes: number;
  /** Subscriptions one client address may hold across its connections and streams, per process (429 beyond). */
  readonly maxSubscriptionsPerAddress: number;
  /** Bytes of subscribed URIs one client address may hold, per process (429 beyond). */
  readonly maxSubscriptionBytesPerAddress: number;
  /** Subscriptions one signed-in user may hold across their connections and streams, per process (429 beyond). */
  readonly maxSubscriptionsPerUser: number;
  /** Bytes of subscribed URIs one signed-in user may hold, per process (429 beyond). */
  readonly maxSubscriptionBytesPerUser: number;
  /** Distinct reconcile entries answered per second per signed-in user (four times as many per client address), on both surfaces. */
  readonly reconcileEntriesPerSecond: number;
  /** Distinct reconcile entries a user may have answered at once before the rate applies (four times as many per address). */
  readonly reconcileEntryBurst: number;
  /** On the socket, a reconcile request costs one message of the connection's rate per this many distinct entries. */
  readonly reconcileEntriesPerMessage: number;
  /** After answering a body it will not read (413): how long the server reads and discards the rest before it closes, so the client can read the answer. */
  readonly lingeringCloseMs: number;
  /** After answering a body it will not read (413): how many more bytes of it the server reads and discards before it closes. */
  readonly lingeringCloseBytes: number;
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
  maxWriteBatch: 64,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  maxReconcileEntries: 1_000,
  presenceRefreshMs: 10_000,
  presenceTimeoutMs: 30_000,
  presenceMaxDataBytes: 1024,
  maxPresencePerConnection: 100,
  shutdownDrainMs: 10_000,
  maxSubscriptionUriBytes: 2048,
  maxSubscriptionsPerAddress: 20_000,
  maxSubscriptionBytesPerAddress: 8 * 1024 * 1024,
  maxSubscriptionsPerUser: 2_000,
  maxSubscriptionBytesPerUser: 1024 * 1024,
  reconcileEntriesPerSecond: 1_000,
  reconcileEntryBurst: 5_000,
  reconcileEntriesPerMessage: 50,
  lingeringCloseMs: 10_000,
  lingeringCloseBytes: 64 * 1024 * 1024,
};

/**
 * The limits of the built-in password sign-in (`createPasswordAuth`), each with an environment
 * variable (config.ts, docs/configuration.md). Per server process, in memory.
 *
 * @example
 * createPasswordAuth({ ...DEFAULT_AUTH_LIMITS, maxSignUpsPerAddress: 50 }); // behind a proxy that does not pass addresses
 */
export interface AuthLimits {
  /** Failed sign-ins per username from one client address (IPv6 by /64) in a window; beyond, that pair gets 429. */
  readonly maxFailures: number;
  /** The window of the failure counts. */
  readonly failureWindowMs: number;
  /** Failed sign-ins from one client address in a window, whatever the usernames; beyond, 429. */
  readonly maxFailuresPerAddress: number;
  /** Failed sign-ins for one username, from every address, in a window before its sign-ins are spaced out (never refused). */
  readonly slowAfterFailures: number;
  /** The spacing of a slowed username's password checks (addresses it signed in from before skip it). */
  readonly slowIntervalMs: number;
  /** Entries the sign-in and sign-up counters keep at most, in all; the oldest go first. */
  readonly maxTrackedAttempts: number;
  /** Sign-ups per client address in a window; beyond, 429. */
  readonly maxSignUpsPerAddress: number;
  readonly signUpWindowMs: number;
  /** Password hashes (scrypt) computed at once, sign-ins and sign-ups together; sign-ins go first and keep one slot. */
  readonly hashConcurrency: number;
  /** Hashes that may wait for a slot, per kind (sign-in, sign-up); beyond, 503 `unavailable`. */
  readonly maxQueuedHashes: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  maxFailures: 5,
  failureWindowMs: 15 * 60_000,
  maxFailuresPerAddress: 20,
  slowAfterFailures: 10,
  slowIntervalMs: 10_000,
  maxTrackedAttempts: 100_000,
  maxSignUpsPerAddress: 5,
  signUpWindowMs: 10 * 60_000,
  hashConcurrency: 2,
  maxQueuedHashes: 32,
};
