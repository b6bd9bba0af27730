import { z } from 'zod';
import { DEFAULT_AUTH_LIMITS, DEFAULT_LIMITS, type AuthLimits, type SynclineLimits } from './limits.js';
import { isValidHostEntry } from './security/host-policy.js';
import { isValidOriginEntry } from './security/origin-policy.js';
import { isValidProxyEntry, type TrustProxySetting } from './security/proxy-trust.js';
import { SQLITE_DRIVER_CHOICES, type SqliteDriverChoice } from './storage/sqlite/sqlite-driver.js';

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
  SYNCLINE_PG_WRITE_BATCH_MAX: 'maxWriteBatch',
  SYNCLINE_IDEMPOTENCY_TTL_MS: 'idempotencyTtlMs',
  SYNCLINE_RECONCILE_MAX_ENTRIES: 'maxReconcileEntries',
  SYNCLINE_PRESENCE_REFRESH_MS: 'presenceRefreshMs',
  SYNCLINE_PRESENCE_TIMEOUT_MS: 'presenceTimeoutMs',
  SYNCLINE_PRESENCE_MAX_DATA_BYTES: 'presenceMaxDataBytes',
  SYNCLINE_MAX_PRESENCE_PER_CONNECTION: 'maxPresencePerConnection',
  SYNCLINE_SHUTDOWN_DRAIN_MS: 'shutdownDrainMs',
  SYNCLINE_MAX_SUBSCRIPTION_URI_BYTES: 'maxSubscriptionUriBytes',
  SYNCLINE_MAX_SUBSCRIPTIONS_PER_ADDRESS: 'maxSubscriptionsPerAddress',
  SYNCLINE_MAX_SUBSCRIPTION_BYTES_PER_ADDRESS: 'maxSubscriptionBytesPerAddress',
  SYNCLINE_MAX_SUBSCRIPTIONS_PER_USER: 'maxSubscriptionsPerUser',
  SYNCLINE_MAX_SUBSCRIPTION_BYTES_PER_USER: 'maxSubscriptionBytesPerUser',
  SYNCLINE_RECONCILE_ENTRIES_PER_SECOND: 'reconcileEntriesPerSecond',
  SYNCLINE_RECONCILE_ENTRY_BURST: 'reconcileEntryBurst',
  SYNCLINE_RECONCILE_ENTRIES_PER_MESSAGE: 'reconcileEntriesPerMessage',
  SYNCLINE_LINGERING_CLOSE_MS: 'lingeringCloseMs',
  SYNCLINE_LINGERING_CLOSE_BYTES: 'lingeringCloseBytes',
};

/**
 * The built-in sign-in's variables, with the limit each sets (`config.auth`).
 *
 * @example
 * loadConfig({ SYNCLINE_SIGN_UP_MAX_PER_ADDRESS: '20' }).auth.maxSignUpsPerAddress; // 20
 */
export const AUTH_ENVIRONMENT: Record<string, keyof AuthLimits> = {
  SYNCLINE_SIGN_IN_MAX_FAILURES: 'maxFailures',
  SYNCLINE_SIGN_IN_WINDOW_MS: 'failureWindowMs',
  SYNCLINE_SIGN_IN_MAX_FAILURES_PER_ADDRESS: 'maxFailuresPerAddress',
  SYNCLINE_SIGN_IN_SLOW_AFTER: 'slowAfterFailures',
  SYNCLINE_SIGN_IN_SLOW_INTERVAL_MS: 'slowIntervalMs',
  SYNCLINE_SIGN_IN_MAX_TRACKED: 'maxTrackedAttempts',
  SYNCLINE_SIGN_UP_MAX_PER_ADDRESS: 'maxSignUpsPerAddress',
  SYNCLINE_SIGN_UP_WINDOW_MS: 'signUpWindowMs',
  SYNCLINE_PASSWORD_HASH_CONCURRENCY: 'hashConcurrency',
  SYNCLINE_PASSWORD_HASH_QUEUE: 'maxQueuedHashes',
};

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** `sqlite:<path>` (default `sqlite:data/syncline.db`), `sqlite::memory:`, or `postgres://…` (also `postgresql://…`). */
  readonly databaseUrl: string;
  /** `redis://…` (or `rediss://…`): the Redis backplane for several server processes; absent, the in-process one. */
  readonly redisUrl?: string;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** `SYNCLINE_SQLITE_DRIVER`: `auto` (default: better-sqlite3 when it loads, else node:sqlite), `better-sqlite3` or `node:sqlite`. */
  readonly sqliteDriver: SqliteDriverChoice;
  readonly livePath: string;
  /**
   * Origins besides the server's own that browsers may use it from (`SYNCLINE_ORIGINS`,
   * comma-separated): WebSocket upgrades and cookie-carrying unsafe requests from other
   * origins are refused with 403. `*` allows any. Absent, only the server's own origin.
   */
  readonly origins?: readonly string[];
  /** `SYNCLINE_TRUST_PROXY`: the proxies whose `X-Forwarded-For`/`-Proto` are believed (a number of hops, or addresses and CIDR blocks). Absent: none. */
  readonly trustProxy?: TrustProxySetting;
  /** `SYNCLINE_ALLOWED_HOSTS`: `Host` values answered besides IP literals, `localhost` and the origins' hosts (`*`: any). */
  readonly allowedHosts?: readonly string[];
  readonly limits: SynclineLimits;
  /** The built-in sign-in's settings (`createPasswordAuth(config.auth)`). */
  readonly auth: AuthLimits & { readonly sessionTtlMs: number };
}

const positive = z.coerce.number().int().positive();
const originList = z
  .string()
  .transform((raw) => raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.every(isValidOriginEntry), 'each entry must be * or an origin such as https://app.example.com (a scheme, a host and an optional port)');
const commaList = (raw: string): string[] => raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
const trustProxy = z.string().transform((raw, ctx): TrustProxySetting => {
  const value = raw.trim();
  if (value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = commaList(value);
  if (entries.length > 0 && entries.every(isValidProxyEntry)) return entries;
  ctx.addIssue({ code: 'custom', message: 'must be false, a number of proxy hops, or proxy addresses and CIDR blocks such as 10.0.0.0/8,::1 (or loopback)' });
  return z.NEVER;
});
const hostList = z
  .string()
  .transform(commaList)
  .refine((entries) => entries.every(isValidHostEntry), 'each entry must be * or a host name with an optional port, such as app.example.com or app.example.com:8443 (*.example.com for every name under it)');
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
    sqliteDriver: read<SqliteDriverChoice>('SYNCLINE_SQLITE_DRIVER', z.enum(SQLITE_DRIVER_CHOICES as [SqliteDriverChoice, ...SqliteDriverChoice[]]), 'auto'),
    livePath: read('SYNCLINE_LIVE_PATH', z.string().startsWith('/'), '/live'),
    limits: limits as unknown as SynclineLimits,
    auth: {
      sessionTtlMs: read('SYNCLINE_SESSION_TTL_MS', positive, 7 * 24 * 60 * 60 * 1000),
      ...(Object.fromEntries(Object.entries(AUTH_ENVIRONMENT).map(([name, key]) => [key, read(name, positive, DEFAULT_AUTH_LIMITS[key])])) as unknown as AuthLimits),
    },
  };
  const redisUrl = read('REDIS_URL', z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'), '');
  if (redisUrl) config = { ...config, redisUrl };
  const origins = read('SYNCLINE_ORIGINS', originList, []);
  if (origins.length > 0) config = { ...config, origins };
  const trust = read<TrustProxySetting>('SYNCLINE_TRUST_PROXY', trustProxy, false);
  if (trust !== false) config = { ...config, trustProxy: trust };
  const allowedHosts = read('SYNCLINE_ALLOWED_HOSTS', hostList, []);
  if (allowedHosts.length > 0) config = { ...config, allowedHosts };
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
