import { describe, expect, it } from 'vitest';
import { loadNodeSqliteDriver } from '../../src/storage/sqlite/node-sqlite-driver.js';

/** A `node:sqlite` whose statements record their calls; with `columns`, as from Node 22.16. */
function fakeNodeSqlite(withColumns: boolean) {
  const calls: Array<{ method: string; parameters: unknown[] }> = [];
  class DatabaseSync {
    prepare(source: string) {
      const statement = {
        all: (...parameters: unknown[]) => (calls.push({ method: 'all', parameters }), []),
        run: (...parameters: unknown[]) => (calls.push({ method: 'run', parameters }), { changes: 1, lastInsertRowid: 1 }),
        iterate: (...parameters: unknown[]) => (calls.push({ method: 'iterate', parameters }), [][Symbol.iterator]()),
      };
      return withColumns ? { ...statement, columns: () => (/^select|returning/i.test(source) ? [{ name: 'x' }] : []) } : statement;
    }
    exec() {}
    close() {}
  }
  return { calls, load: async () => ({ DatabaseSync }) };
}

describe('the node:sqlite driver', () => {
  it('binds Kysely\'s parameter array as arguments', async () => {
    const sqlite = fakeNodeSqlite(true);
    const connection = (await loadNodeSqliteDriver(sqlite.load)).open(':memory:');
    connection.prepare('INSERT INTO t VALUES (?, ?)').run(['a', 1]);
    connection.prepare('SELECT * FROM t WHERE a = ?').all(['a']);
    expect(sqlite.calls).toEqual([
      { method: 'run', parameters: ['a', 1] },
      { method: 'all', parameters: ['a'] },
    ]);
  });

  it('tells statements that return rows from those that do not, by their columns', async () => {
    const connection = (await loadNodeSqliteDriver(fakeNodeSqlite(true).load)).open(':memory:');
    expect(connection.prepare('SELECT 1').reader).toBe(true);
    expect(connection.prepare('UPDATE t SET a = 1 RETURNING a').reader).toBe(true);
    expect(connection.prepare('DELETE FROM t').reader).toBe(false);
  });

  it('before Node 22.16 (no columns()), by the statement: writes return rows only with RETURNING', async () => {
    const connection = (await loadNodeSqliteDriver(fakeNodeSqlite(false).load)).open(':memory:');
    expect(connection.prepare('select "seq" from "syncline_changes"').reader).toBe(true);
    expect(connection.prepare('PRAGMA journal_mode').reader).toBe(true);
    expect(connection.prepare('insert into "notes" ("id") values (?)').reader).toBe(false);
    expect(connection.prepare('insert into "notes" ("id") values (?) returning "id"').reader).toBe(true);
    expect(connection.prepare('  DELETE FROM t').reader).toBe(false);
    expect(connection.prepare('create table if not exists t (a)').reader).toBe(false);
    expect(connection.prepare('begin immediate').reader).toBe(false);
  });
});
