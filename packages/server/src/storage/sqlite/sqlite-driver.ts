import type { SqliteDatabase } from 'kysely';

/** The SQLite drivers the storage can run on. */
export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

/** A driver by name, or `auto`: better-sqlite3 when it loads, else Node's built-in `node:sqlite`. */
export type SqliteDriverChoice = SqliteDriverName | 'auto';

/** Every accepted {@link SqliteDriverChoice}, for configuration checks. */
export const SQLITE_DRIVER_CHOICES: readonly SqliteDriverChoice[] = ['auto', 'better-sqlite3', 'node:sqlite'];

/**
 * One open database, as the storage calls it: Kysely's slice (`prepare`, whose statements
 * say whether they return rows and run with an array of parameters, and `close`), plus
 * `exec` for the connection settings.
 */
export interface SqliteConnection extends SqliteDatabase {
  exec(source: string): void;
}

/**
 * A SQLite driver: what opens a file. One file per driver (`better-sqlite3-driver.ts`,
 * `node-sqlite-driver.ts`) adapts its package to {@link SqliteConnection}.
 *
 * @example
 * const driver = await loadSqliteDriver('auto');
 * const connection = driver.open(':memory:');
 */
export interface SqliteDriver {
  readonly name: SqliteDriverName;
  /** Opens (creating when missing) a database file, or a private one for `':memory:'`. */
  open(filename: string): SqliteConnection;
}
