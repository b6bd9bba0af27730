/**
 * `@syncline/server/redis`: the Redis pub/sub backplane (`ioredis`), for several server
 * processes. A subpath of its own so that single-process applications never load the driver.
 *
 * @example
 * import { createRedisBackplane } from '@syncline/server/redis';
 * const backplane = createRedisBackplane({ url: 'redis://127.0.0.1:6379', channel: 'todo:changes' });
 */
export { createRedisBackplane, type RedisBackplane, type RedisBackplaneOptions } from './redis-backplane.js';
export { decodeMessage, encodeChange, encodeTopic, type RedisMessage } from './redis-message.js';
export { loadRedisDriver, type RedisConnection, type RedisConstructor } from './redis-driver.js';
