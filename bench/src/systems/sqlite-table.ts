import Database from 'better-sqlite3';
import { join } from 'node:path';
import { PAYLOAD, recordId, type BenchRecord } from '../common.js';

/**
 * The SQL the hand-written server and the Socket.IO server run: a WAL database with the
 * records as JSON and a change log, like Syncline's storage keeps (same `synchronous`).
 */
export interface RecordTable {
  readonly records: BenchRecord[];
  /** Stores `record` as the new row and appends it to the change log, in one transaction. */
  update(record: BenchRecord): void;
  /** PATCH: reads the row, merges `patch` into it, stores it; undefined when there is no such row. */
  patch(id: string, patch: Record<string, unknown>): Record<string, unknown> | undefined;
  close(): void;
}

export function openRecordTable(dir: string, name: string, count: number): RecordTable {
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL)');
  db.exec('CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO items (id, version, data) VALUES (?, 1, ?)');
  const select = db.prepare<[string], { version: number; data: string }>('SELECT version, data FROM items WHERE id = ?');
  const store = db.prepare('UPDATE items SET version = version + 1, data = ? WHERE id = ?');
  const log = db.prepare('INSERT INTO changes (id, data) VALUES (?, ?)');
  const records: BenchRecord[] = [];
  for (let topic = 0; topic < count; topic++) {
    const record: BenchRecord = { id: recordId(topic), topic, n: 0, ts: 0, payload: PAYLOAD };
    insert.run(record.id, JSON.stringify(record));
    records.push(record);
  }
  const update = db.transaction((record: BenchRecord) => {
    const json = JSON.stringify(record);
    store.run(json, record.id);
    log.run(record.id, json);
  });
  const patch = db.transaction((id: string, changes: Record<string, unknown>) => {
    const row = select.get(id);
    if (!row) return undefined;
    const next = { ...(JSON.parse(row.data) as Record<string, unknown>), ...changes, version: row.version + 1 };
    const json = JSON.stringify(next);
    store.run(json, id);
    log.run(id, json);
    return next;
  });
  return { records, update: (record) => update(record), patch: (id, changes) => patch(id, changes), close: () => db.close() };
}
