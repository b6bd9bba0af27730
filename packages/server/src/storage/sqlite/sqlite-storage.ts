import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Storage } from '../storage.js';
import type { SqlTables } from '../sql/sql-dialect.js';
import { createSqlStorage } from '../sql/sql-storage.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** The slice of better-sqlite3's `Database` this adapter calls (Kysely's slice plus `pragma`). */
interface BetterSqliteDatabase extends SqliteDatabase {
  pragma(source: string): unknown;
}

type BetterSqliteConstructor = new (filename: string, options?: { timeout?: number }) => BetterSqliteDatabase;

/** How SQLite flushes commits to disk (`PRAGMA synchronous`). */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

export interface SqliteStorageOptions {
  /** The database file (its directory must exist), or `':memory:'` for a private, unsaved one. */
  readonly filename: string;
  /**
   * `FULL` (the default) syncs the WAL on every commit: an acknowledged write survives
   * a power loss. `NORMAL` syncs only at checkpoints: commits survive a process crash but
   * the last ones may be lost with the machine, in exchange for faster writes.
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's lock before failing (default 5000). */
  readonly busyTimeoutMs?: number;
  /** The clock for change times; tests may pass a fixed one. */
  readonly now?: () => Date;
}

/** The connection settings in effect, as SQLite reports them. */
export interface SqliteSettings {
  /** `wal` for a file; `memory` for `':memory:'`, which cannot use a WAL. */
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly busyTimeoutMs: number;
}

/** {@link Storage} on SQLite, with a look at its connection settings. */
export interface SqliteStorage extends Storage {
  /** Reads the settings back from SQLite (for health checks and tests). */
  settings(): Promise<SqliteSettings>;
}

const SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

async function openDatabase(filename: string, synchronous: SqliteSynchronous, busyTimeoutMs: number): Promise<BetterSqliteDatabase> {
  // Loaded on first use, behind this subpath export: the core never imports the driver.
  const { default: Database } = (await import('better-sqlite3')) as { default: BetterSqliteConstructor };
  const database = new Database(filename, { timeout: busyTimeoutMs });
  try {
    // WAL lets readers in other processes go on while one writes, and makes a commit one
    // append; the setting is stored in the file.
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${synchronous}`);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/** Prepared statements kept per connection: enough for every query shape an application uses. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with prepared statements reused by SQL text. Kysely's
 * SQLite driver prepares every query anew, and preparing costs more than running a small
 * statement; queries differ only in their parameters, so the texts repeat. Safe because
 * Kysely runs one query at a time on this connection and never leaves one iterating, and
 * SQLite re-prepares a statement itself after a schema change.
 */
function withStatementCache(database: BetterSqliteDatabase): SqliteDatabase {
  const statements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    close: () => database.close(),
    prepare(source) {
      let statement = statements.get(source);
      if (statement === undefined) {
        statement = database.prepare(source);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      } else {
        statements.delete(source);
      }
      statements.set(source, statement);
      return statement;
    },
  };
}

async function pragmaValue(db: Kysely<SqlTables>, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`PRAGMA ${sql.raw(name)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

/**
 * Storage in one SQLite file through better-sqlite3, in WAL mode. The file opens on
 * first use (usually `migrate()`), so opening errors surface there. One connection
 * serves all callers; transactions take turns on it.
 *
 * @example
 * const storage = createSqliteStorage({ filename: 'data/app.db' });
 * await storage.migrate([lists, todos]);
 * const head = await storage.read((tx) => tx.head());
 */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const synchronous = options.synchronous ?? 'FULL';
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // Checked at run time too: the value is spliced into a PRAGMA.
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new TypeError(`synchronous must be 'FULL' or 'NORMAL', got ${String(synchronous)}`);
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  const db = new Kysely<SqlTables>({
    dialect: new SqliteDialect({ database: async () => withStatementCache(await openDatabase(options.filename, synchronous, busyTimeoutMs)) }),
  });
  const storage = createSqlStorage({ db, dialect: sqliteDialect, ...(options.now ? { now: options.now } : {}) });
  return {
    ...storage,
    async settings() {
      const level = await pragmaValue(db, 'synchronous');
      const synchronousLevel = SYNCHRONOUS_LEVELS[Number(level)];
      if (!synchronousLevel) throw new Error(`SQLite reported an unknown synchronous level ${String(level)}`);
      return {
        journalMode: String(await pragmaValue(db, 'journal_mode')),
        synchronous: synchronousLevel,
        busyTimeoutMs: Number(await pragmaValue(db, 'busy_timeout')),
      };
    },
  };
}
