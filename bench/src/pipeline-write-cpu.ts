/**
 * `node --conditions=@syncline/source --import tsx bench/src/pipeline-write-cpu.ts [syncline|raw]`:
 * CPU per PATCH without HTTP, in one process, so a change to the write path can be measured
 * on a busy machine where the HTTP benchmark swings. `syncline` runs 10,000 PATCHes of 16
 * records through `syncline.execute` (the same resource and SQLite settings as the
 * benchmark's server), three times after a warm-up; `raw` runs the hand-written server's
 * transaction (`systems/sqlite-table.ts`) on the same records. Add `--cpu-prof` to node's
 * options for a profile without the server's start-up in it (bench/src/profile-summary.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { PAYLOAD, recordId } from './common.js';
import { items } from './systems/syncline-server.js';
import { openRecordTable } from './systems/sqlite-table.js';

const RECORDS = 16;
const WRITES = 10_000;
const system = process.argv[2] ?? 'syncline';
const dir = mkdtempSync(join(tmpdir(), 'syncline-write-cpu-'));

async function patcher(): Promise<{ patch: (i: number) => Promise<void> | void; close: () => Promise<void> | void }> {
  if (system === 'raw') {
    const table = await openRecordTable(dir, 'raw', RECORDS);
    return {
      patch: (i) => {
        const record = table.patch(recordId(i % RECORDS), { n: i, ts: i });
        if (!record) throw new Error('no record');
        JSON.stringify(record);
      },
      close: () => table.close(),
    };
  }
  const syncline = await createSyncline({ resources: [items], storage: createSqliteStorage({ filename: join(dir, 'syncline.db'), synchronous: 'NORMAL' }) });
  const context = { transport: 'http' } as const;
  for (let topic = 0; topic < RECORDS; topic++) {
    const outcome = await syncline.execute({ method: 'PUT', uri: `/items/${recordId(topic)}`, headers: { 'content-type': 'application/json' }, body: { topic, n: 0, ts: 0, payload: PAYLOAD }, context });
    if (outcome.status !== 201) throw new Error(`seeding answered ${outcome.status}`);
  }
  const headers = { 'content-type': 'application/merge-patch+json' };
  return {
    patch: async (i) => {
      const outcome = await syncline.execute({ method: 'PATCH', uri: `/items/${recordId(i % RECORDS)}`, headers, body: { n: i, ts: i }, context });
      if (outcome.status !== 200) throw new Error(`PATCH answered ${outcome.status}`);
    },
    close: () => syncline.close(),
  };
}

const target = await patcher();
const run = async (count: number): Promise<void> => {
  for (let i = 0; i < count; i++) await target.patch(i);
};
await run(3000);
for (let round = 0; round < 3; round++) {
  const start = process.cpuUsage();
  await run(WRITES);
  const used = process.cpuUsage(start);
  console.log(`${system}: ${((used.user + used.system) / WRITES).toFixed(1)} µs of CPU per PATCH`);
}
await target.close();
rmSync(dir, { recursive: true, force: true });
