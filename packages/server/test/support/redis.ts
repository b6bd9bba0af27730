import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the backplane tests run against. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers. In CI an unreachable Redis fails the run (a skipped suite would
 * pass silently); on a laptop without it the tests skip with a message.
 */
export async function redisReachable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (error) {
    if (process.env['CI']) throw new Error(`Redis is required in CI but unreachable at ${REDIS_URL}: ${String(error)}`);
    console.warn(`Skipping Redis tests: nothing answers at ${REDIS_URL} (set REDIS_URL)`);
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A channel no other test file or run uses. */
export function uniqueChannel(): string {
  return `syncline-test:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Runs one command on a short-lived admin connection (CLIENT KILL, CLIENT PAUSE…). */
export async function redisCommand(...args: [string, ...(string | number)[]]): Promise<unknown> {
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.call(...args);
  } finally {
    redis.disconnect();
  }
}

/** Kills the connections with this CLIENT SETNAME name (only this test's, not other files'). */
export async function killClientsNamed(name: string): Promise<number> {
  const list = String(await redisCommand('CLIENT', 'LIST'));
  const ids = [...list.matchAll(/^id=(\d+) .*\bname=(\S*)/gm)].filter((match) => match[2] === name).map((match) => match[1] as string);
  for (const id of ids) await redisCommand('CLIENT', 'KILL', 'ID', id);
  return ids.length;
}
