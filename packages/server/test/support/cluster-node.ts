/**
 * One Syncline server process for the multi-process cluster test: the test resources on
 * PostgreSQL (schema SYNCLINE_SCHEMA) and the Redis backplane (channel SYNCLINE_CHANNEL).
 * It listens on a free port, prints `{"port":…}` on one stdout line, and closes on SIGTERM.
 *
 * @example
 * node --conditions=@syncline/source --import tsx packages/server/test/support/cluster-node.ts   # with the env below
 */
import { closeOnSignals } from '../../src/shutdown-signals.js';
import { createRedisBackplane } from '../../src/backplane/redis/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { createTestSyncline } from './fixtures.js';
import { POSTGRES_URL } from './postgres.js';
import { REDIS_URL } from './redis.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const schema = required('SYNCLINE_SCHEMA');
const channel = required('SYNCLINE_CHANNEL');
// Default: a poll that never runs during a test, so only the backplane, the gap fill and
// the NOTIFY of outside writes can deliver changes.
const feedPollMs = Number(process.env['SYNCLINE_FEED_POLL_MS'] ?? 600_000);
const report = (error: unknown, where: string) => console.error(`[cluster-node ${process.pid}] ${where}:`, error);

const backplane = createRedisBackplane({ url: REDIS_URL, channel, connectionName: `syncline-node-${process.pid}`, probeIntervalMs: 0, onError: report });
await backplane.ready();
const syncline = await createTestSyncline({
  storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: (error) => report(error, 'postgres') }),
  backplane,
  limits: { feedPollMs },
  onError: report,
});
const { port } = await syncline.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);

closeOnSignals(syncline, report);
