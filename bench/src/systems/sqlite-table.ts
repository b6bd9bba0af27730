import { join } from 'node:path';
import { loadSqliteDriver, type SqliteConnection } from '@syncline/server/sqlite';
import { PAYLOAD, recordId, type BenchRecord } from '../common.js';

/**
 * The SQL the hand-written server and the Socket.IO server run: a WAL database with the
 * records as JSON and a change log, like Syncline's storage keeps (same `synchronous`, and
 * the same driver: better-sqlite3 when it loads, else node:sqlite).
 */
export interface RecordTable {
  readonly records: BenchRecord[];
  /** Stores `record` as the new row and appends it to the change log, in one transaction. */
  update(record: BenchRecord): void;
  /** PATCH: reads the row, merges `patch` into it, stores it; undefined when there is no such row. */
  patch(id: string, patch: Record<string, unknown>): Record<string, unknown> | undefined;
  close(): void;
}

/** Runs `body` in one transaction on `db`, rolled back if it throws. */
function inTransaction<T>(db: SqliteConnection, body: () => T): T {
  db.exec('BEGIN');
  try {
    const result = body();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export async function openRecordTable(dir: string, name: string, count: number): Promise<RecordTable> {
  const db = (await loadSqliteDriver('auto')).open(join(dir, `${name}.db`));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL)');
  db.exec('CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO items (id, version, data) VALUES (?, 1, ?)');
  const select = db.prepare('SELECT version, data FROM items WHERE id = ?');
  const store = db.prepare('UPDATE items SET version = version + 1, data = ? WHERE id = ?');
  const log = db.prepare('INSERT INTO changes (id, data) VALUES (?, ?)');
  const records: BenchRecord[] = [];
  for (let topic = 0; topic < count; topic++) {
    const record: BenchRecord = { id: recordId(topic), topic, n: 0, ts: 0, payload: PAYLOAD };
    insert.run([record.id, JSON.stringify(record)]);
    records.push(record);
  }
  const update = (record: BenchRecord): void =>
    inTransaction(db, () => {
      const json = JSON.stringify(record);
      store.run([json, record.id]);
      log.run([record.id, json]);
    });
  const patch = (id: string, changes: Record<string, unknown>): Record<string, unknown> | undefined =>
    inTransaction(db, () => {
      const row = select.all([id])[0] as { version: number; data: string } | undefined;
      if (!row) return undefined;
      const next = { ...(JSON.parse(row.data) as Record<string, unknown>), ...changes, version: row.version + 1 };
      const json = JSON.stringify(next);
      store.run([json, id]);
      log.run([id, json]);
      return next;
    });
  return { records, update, patch, close: () => db.close() };
}
