import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSyncline, loadConfig } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { resources } from './resources.js';

// `npm start`: the demo on the embedded default (a SQLite file, the in-process backplane), no other service.
const config = loadConfig(process.env);
const filename = config.databaseUrl.slice('sqlite:'.length);
if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });

const syncline = await createSyncline({
  resources,
  storage: createSqliteStorage({ filename, synchronous: config.sqliteSynchronous }),
  livePath: config.livePath,
  limits: config.limits,
});
const { port } = await syncline.listen(config.port, config.host);
console.log(`Syncline TODO demo on http://localhost:${port} (resources: /lists, /todos; live: ws://localhost:${port}${config.livePath})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void syncline.close().then(() => process.exit(0));
  });
}
