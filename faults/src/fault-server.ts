/**
 * One Syncline server process for the fault scenarios: the `entries` resource on the
 * storage and backplane that the environment names (`DATABASE_URL`, `REDIS_URL`, and every
 * `SYNCLINE_*` limit, read by `loadConfig`). It prints `{"port":…,"pid":…}` on one stdout
 * line once listening. `GET /_stats` answers `syncline.stats()` as JSON (open sockets, subscriptions,
 * slow consumers closed), which the scenarios read from outside the process. With `FAULT_AUTH=1` it
 * adds the built-in password sign-in (`createPasswordAuth(config.auth)`, every `SYNCLINE_SIGN_*` and
 * `SYNCLINE_PASSWORD_*` setting read). SIGTERM and SIGINT close it gracefully (in-flight requests finish,
 * sockets close with 1001) and exit 0; a failed close exits 1.
 *
 * @example
 * DATABASE_URL=sqlite:/tmp/faults.db PORT=0 node --conditions=@syncline/source --import tsx faults/src/fault-server.ts
 */
import { closeOnSignals, createPasswordAuth, createSyncline, loadConfig, type Backplane, type ServerConfig, type Storage } from '@syncline/server';
import { faultResources } from './fault-resources.js';

const report = (error: unknown, where: string): void => console.error(`[fault-server ${process.pid}] ${where}:`, error);

async function openStorage(config: ServerConfig): Promise<Storage> {
  if (config.databaseUrl.startsWith('sqlite:')) {
    const { createSqliteStorage } = await import('@syncline/server/sqlite');
    return createSqliteStorage({ filename: config.databaseUrl.slice('sqlite:'.length), synchronous: config.sqliteSynchronous, driver: config.sqliteDriver });
  }
  const { createPostgresStorage } = await import('@syncline/server/postgres');
  const schema = process.env['FAULT_SCHEMA'];
  return createPostgresStorage({ connectionString: config.databaseUrl, ...(schema ? { schema } : {}), writeBatch: config.limits.maxWriteBatch, onError: (error) => report(error, 'postgres') });
}

async function openBackplane(config: ServerConfig): Promise<Backplane | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const { createRedisBackplane } = await import('@syncline/server/redis');
  const probeIntervalMs = Number(process.env['FAULT_PROBE_MS'] ?? 1000);
  const backplane = createRedisBackplane({ url: config.redisUrl, channel: process.env['FAULT_CHANNEL'] ?? 'faults', connectionName: `fault-${process.pid}`, probeIntervalMs, onError: report });
  await backplane.ready();
  return backplane;
}

const config = loadConfig(process.env);
const backplane = await openBackplane(config);
const syncline = await createSyncline({
  resources: faultResources,
  storage: await openStorage(config),
  ...(backplane ? { backplane } : {}),
  ...(process.env['FAULT_AUTH'] === '1' ? { auth: createPasswordAuth(config.auth) } : {}),
  limits: config.limits,
  onError: report,
});
const { port } = await syncline.listen(config.port, config.host, {
  fallback: (req, res) => {
    const found = req.url === '/_stats';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(found ? JSON.stringify(syncline.stats()) : '{"code":"not-found"}');
  },
});
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);

closeOnSignals(syncline, report);
