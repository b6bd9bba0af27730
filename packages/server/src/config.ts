import { z } from 'zod';
import { DEFAULT_LIMITS, type SynclineLimits } from './limits.js';
import { isValidOriginEntry } from './security/origin-policy.js';

/** Every environment variable a Syncline server reads, with its limit or option (docs/configuration.md lists them). */
export const ENVIRONMENT: Record<string, keyof SynclineLimits> = {
  SYNCLINE_MAX_BODY_BYTES: 'maxBodyBytes',
  SYNCLINE_MAX_FRAME_BYTES: 'maxFrameBytes',
  SYNCLINE_MAX_JSON_DEPTH: 'maxJsonDepth',
  SYNCLINE_DEFAULT_PAGE_SIZE: 'defaultPageSize',
  SYNCLINE_MAX_PAGE_SIZE: 'maxPageSize',
  SYNCLINE_MAX_QUERY_CONDITIONS: 'maxQueryConditions',
  SYNCLINE_REQUIRE_IF_MATCH: 'requireIfMatch',
  SYNCLINE_MAX_BUFFERED_BYTES: 'maxBufferedBytes',
  SYNCLINE_HEARTBEAT_MS: 'heartbeatMs',
  SYNCLINE_MAX_CONNECTIONS: 'maxConnections',
  SYNCLINE_MAX_CONNECTIONS_PER_ADDRESS: 'maxConnectionsPerAddress',
  SYNCLINE_MAX_SUBSCRIPTIONS: 'maxSubscriptions',
  SYNCLINE_MAX_INFLIGHT: 'maxInflight',
  SYNCLINE_MAX_CONSECUTIVE_ERRORS: 'maxConsecutiveErrors',
  SYNCLINE_MAX_MESSAGES_PER_SECOND: 'maxMessagesPerSecond',
  SYNCLINE_MESSAGE_BURST: 'messageBurst',
  SYNCLINE_CHANGE_LOG_RETENTION: 'changeLogRetention',
  SYNCLINE_FEED_POLL_MS: 'feedPollMs',
  SYNCLINE_IDEMPOTENCY_TTL_MS: 'idempotencyTtlMs',
  SYNCLINE_RECONCILE_MAX_ENTRIES: 'maxReconcileEntries',
  SYNCLINE_PRESENCE_REFRESH_MS: 'presenceRefreshMs',
  SYNCLINE_PRESENCE_TIMEOUT_MS: 'presenceTimeoutMs',
  SYNCLINE_PRESENCE_MAX_DATA_BYTES: 'presenceMaxDataBytes',
  SYNCLINE_MAX_PRESENCE_PER_CONNECTION: 'maxPresencePerConnection',
  SYNCLINE_SHUTDOWN_DRAIN_MS: 'shutdownDrainMs',
};

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** `sqlite:<path>` (default `sqlite:data/syncline.db`), `sqlite::memory:`, or `postgres://…` (also `postgresql://…`). */
  readonly databaseUrl: string;
  /** `redis://…` (or `rediss://…`): the Redis backplane for several server processes; absent, the in-process one. */
  readonly redisUrl?: string;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  readonly livePath: string;
  /**
   * Origins besides the server's own that browsers may use it from (`SYNCLINE_ORIGINS`,
   * comma-separated): WebSocket upgrades and cookie-carrying unsafe requests from other
   * origins are refused with 403. `*` allows any. Absent, only the server's own origin.
   */
  readonly origins?: readonly string[];
  readonly limits: SynclineLimits;
  /** The built-in sign-in's settings (`createPasswordAuth(config.auth)`). */
  readonly auth: { readonly sessionTtlMs: number; readonly maxFailures: number; readonly failureWindowMs: number };
}

const positive = z.coerce.number().int().positive();
const originList = z
  .string()
  .transform((raw) => raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.every(isValidOriginEntry), 'each entry must be * or an origin such as https://app.example.com (a scheme, a host and an optional port)');
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Reads the server's configuration from the environment; an invalid value stops the
 * server at start with the variable's name, never later.
 *
 * @example
 * const config = loadConfig(process.env); // PORT=8080 SYNCLINE_HEARTBEAT_MS=10000 …
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const problems: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return fallback;
    }
    return parsed.data;
  };
  const limits: Record<string, number | boolean> = { ...DEFAULT_LIMITS };
  for (const [name, key] of Object.entries(ENVIRONMENT)) {
    limits[key] = typeof DEFAULT_LIMITS[key] === 'boolean' ? read(name, flag, DEFAULT_LIMITS[key] as boolean) : read(name, positive, DEFAULT_LIMITS[key] as number);
  }
  let config: ServerConfig = {
    port: read('PORT', z.coerce.number().int().min(0).max(65535), 3000),
    host: read('HOST', z.string(), '0.0.0.0'),
    databaseUrl: read('DATABASE_URL', z.string().regex(/^(sqlite:|postgres:|postgresql:)/, 'must start with sqlite:, postgres: or postgresql:'), 'sqlite:data/syncline.db'),
    sqliteSynchronous: read('SYNCLINE_SQLITE_SYNCHRONOUS', z.enum(['NORMAL', 'FULL']), 'FULL'),
    livePath: read('SYNCLINE_LIVE_PATH', z.string().startsWith('/'), '/live'),
    limits: limits as unknown as SynclineLimits,
    auth: {
      sessionTtlMs: read('SYNCLINE_SESSION_TTL_MS', positive, 7 * 24 * 60 * 60 * 1000),
      maxFailures: read('SYNCLINE_SIGN_IN_MAX_FAILURES', positive, 5),
      failureWindowMs: read('SYNCLINE_SIGN_IN_WINDOW_MS', positive, 15 * 60 * 1000),
    },
  };
  const redisUrl = read('REDIS_URL', z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'), '');
  if (redisUrl) config = { ...config, redisUrl };
  const origins = read('SYNCLINE_ORIGINS', originList, []);
  if (origins.length > 0) config = { ...config, origins };
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
