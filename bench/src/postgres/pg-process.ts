/**
 * One server process of the PostgreSQL write scenario:
 * `node --conditions=@syncline/source --import tsx src/postgres/pg-process.ts <syncline|raw> <schema> <records> <seed:0|1>`.
 * Reports `{type:'listening',port}` over IPC once it serves, and exits on `{type:'exit'}`
 * or when the orchestrator goes away. The database is `BENCH_POSTGRES_URL`; Syncline
 * processes share `REDIS_URL` as their backplane when it is set.
 */
import { startRawPgServer } from './raw-pg-server.js';
import { startSynclinePgServer } from './syncline-pg-server.js';

const LIFETIME_MS = Number(process.env.BENCH_PROCESS_LIMIT_MS ?? 600_000);
setTimeout(() => {
  console.error(`[bench pg server] still running after ${LIFETIME_MS} ms: exiting`);
  process.exit(3);
}, LIFETIME_MS).unref();
process.on('disconnect', () => process.exit(0));

const [system, schema, records, seed] = process.argv.slice(2);
if ((system !== 'syncline' && system !== 'raw') || !schema || !records) {
  console.error('usage: pg-process.ts <syncline|raw> <schema> <records> <seed:0|1>');
  process.exit(2);
}
const connectionString = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const options = { connectionString, schema, records: Number(records), seed: seed === '1' };
const server = system === 'syncline' ? await startSynclinePgServer(options) : await startRawPgServer(options);
process.on('message', (message: { type: string }) => {
  if (message.type !== 'exit') return;
  void Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000))]).then(() => process.exit(0));
});
process.send?.({ type: 'listening', port: server.port });
