import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Storage } from '../storage.js';
import type { DirectConnection } from '../sql/direct-connection.js';
import type { SqlTables } from '../sql/sql-dialect.js';
import { createSqlStorage } from '../sql/sql-storage.js';
import { loadSqliteDriver } from './load-sqlite-driver.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { SQLITE_DRIVER_CHOICES, type SqliteConnection, type SqliteDriverChoice, type SqliteDriverName } from './sqlite-driver.js';

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
  /**
   * The driver: `better-sqlite3` (a native addon, installed apart), `node:sqlite` (built into
   * Node >= 22.13), or `auto` (the default): better-sqlite3 when it loads, else node:sqlite.
   * A driver that cannot load makes the first use (usually `migrate()`) reject with `driver-missing`.
   */
  readonly driver?: SqliteDriverChoice;
  /** The clock for change times; tests may pass a fixed one. */
  readonly now?: () => Date;
}

/** The connection settings in effect, as SQLite reports them. */
export interface SqliteSettings {
  /** `wal` for a file; `memory` for `':memory:'`, which cannot use a WAL. */
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly busyTimeoutMs: number;
  /** The driver in use (the one `auto` chose). */
  readonly driver: SqliteDriverName;
}

/** {@link Storage} on SQLite, with a look at its connection settings. */
export interface SqliteStorage extends Storage {
  /** Reads the settings back from SQLite (for health checks and tests). */
  settings(): Promise<SqliteSettings>;
}

const SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

interface OpenedDatabase {
  readonly connection: SqliteConnection;
  readonly driver: SqliteDriverName;
}

async function openDatabase(options: { filename: string; driver: SqliteDriverChoice; synchronous: SqliteSynchronous; busyTimeoutMs: number }): Promise<OpenedDatabase> {
  // Loaded on first use, behind this subpath export: the core never imports a driver.
  const driver = await loadSqliteDriver(options.driver);
  const connection = driver.open(options.filename);
  try {
    connection.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs}`);
    // WAL lets readers in other processes go on while one writes, and makes a commit one
    // append; the setting is stored in the file.
    connection.exec('PRAGMA journal_mode = WAL');
    connection.exec(`PRAGMA synchronous = ${options.synchronous}`);
  } catch (error) {
    connection.close();
    throw error;
  }
  return { connection, driver: driver.name };
}

/** Prepared statements kept per connection: enough for every query shape an application uses. */
const STATEMENT_CACHE_SIZE = 500;

/** The connection twice over: as Kysely sees it, and without Kysely for the hot statements. */
interface CachedConnection {
  readonly kysely: SqliteDatabase;
  readonly direct: DirectConnection;
}

/**
 * The connection with prepared statements reused by SQL text. Kysely's SQLite driver
 * prepares every query anew, and preparing costs more than running a small statement;
 * queries differ only in their parameters, so the texts repeat. Safe because one query
 * runs at a time on this connection (Kysely's, or a transaction's direct statements while
 * it holds the connection) and none is left iterating, and SQLite re-prepares a statement
 * itself after a schema change.
 */
function withStatementCache(database: SqliteConnection): CachedConnection {
  const statements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  function prepare(source: string): ReturnType<SqliteDatabase['prepare']> {
    let statement = statements.get(source);
    if (statement === undefined) {
      statement = database.prepare(source);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    } else {
      statements.delete(source);
    }
    statements.set(source, statement);
    return statement;
  }
  return {
    kysely: { close: () => database.close(), prepare },
    direct: {
      all: (source, parameters) => prepare(source).all(parameters) as Array<Record<string, unknown>>,
      run: (source, parameters) => Number(prepare(source).run(parameters).changes),
    },
  };
}

async function pragmaValue(db: Kysely<SqlTables>, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`PRAGMA ${sql.raw(name)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

/**
 * Storage in one SQLite file, in WAL mode, through better-sqlite3 or Node's built-in
 * `node:sqlite` (option `driver`, `auto` by default). The file opens on
 * first use (usually `migrate()`), so opening errors surface there. One connection
 * serves all callers; transactions take turns on it.
 *
 * @example
 * const storage = createSqliteStorage({ filename: 'data/app.db' }); // or driver: 'node:sqlite'
 * await storage.migrate([lists, todos]);
 * const head = await storage.read((tx) => tx.head());
 */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const synchronous = options.synchronous ?? 'FULL';
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // Checked at run time too: the value is spliced into a PRAGMA.
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new TypeError(`synchronous must be 'FULL' or 'NORMAL', got ${String(synchronous)}`);
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  const driverChoice = options.driver ?? 'auto';
  if (!SQLITE_DRIVER_CHOICES.includes(driverChoice)) throw new TypeError(`driver must be one of ${SQLITE_DRIVER_CHOICES.join(', ')}, got ${String(driverChoice)}`);
  let driverName: SqliteDriverName | undefined;
  let direct: DirectConnection | undefined;
  const db = new Kysely<SqlTables>({
    dialect: new SqliteDialect({
      database: async () => {
        const opened = await openDatabase({ filename: options.filename, driver: driverChoice, synchronous, busyTimeoutMs });
        driverName = opened.driver;
        const cached = withStatementCache(opened.connection);
        direct = cached.direct;
        return cached.kysely;
      },
    }),
  });
  const storage = createSqlStorage({ db, dialect: sqliteDialect, direct: () => direct, ...(options.now ? { now: options.now } : {}) });
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
        // Set by the pragmas' queries above, which opened the connection.
        driver: driverName as SqliteDriverName,
      };
    },
  };
}
