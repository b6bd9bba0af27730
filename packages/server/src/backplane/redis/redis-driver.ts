import { loadDriver, type DriverImport } from '../../drivers/load-driver.js';

/** The slice of an ioredis connection the backplane calls. */
export interface RedisConnection {
  readonly status: string;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (channel: string, text: string) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  subscribe(channel: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  quit(): Promise<unknown>;
}

export interface RedisConnectionOptions {
  connectionName: string;
  autoResubscribe?: boolean;
  maxRetriesPerRequest?: number | null;
  enableOfflineQueue?: boolean;
}

export type RedisConstructor = new (url: string, options: RedisConnectionOptions) => RedisConnection;

const importIoredis: DriverImport = () => import('ioredis');

/**
 * Imports `ioredis` when a Redis backplane starts, never at module load: it is an optional
 * dependency. Rejects with `driver-missing` (`npm install ioredis`) when it is not installed.
 *
 * @example
 * const Redis = await loadRedisDriver();
 * const connection = new Redis('redis://127.0.0.1:6379', { connectionName: 'app:pub' });
 */
export async function loadRedisDriver(load: DriverImport = importIoredis): Promise<RedisConstructor> {
  const module = (await loadDriver('ioredis', 'The Redis backplane (redis://)', load)) as { Redis: RedisConstructor };
  return module.Redis;
}
