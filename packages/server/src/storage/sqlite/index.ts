/**
 * `@syncline/server/sqlite`: storage in a SQLite file (WAL), on better-sqlite3 or on Node's
 * built-in `node:sqlite`. A subpath of its own, and the driver is imported only when a
 * database opens, so applications that do not use SQLite never load one.
 *
 * @example
 * import { createSqliteStorage } from '@syncline/server/sqlite';
 * const storage = createSqliteStorage({ filename: 'data/app.db', synchronous: 'FULL', driver: 'auto' });
 */
export { createSqliteStorage, type SqliteStorage, type SqliteStorageOptions, type SqliteSettings, type SqliteSynchronous } from './sqlite-storage.js';
export { sqliteDialect } from './sqlite-dialect.js';
export { loadSqliteDriver, type SqliteDriverLoaders } from './load-sqlite-driver.js';
export { SQLITE_DRIVER_CHOICES, type SqliteConnection, type SqliteDriver, type SqliteDriverChoice, type SqliteDriverName } from './sqlite-driver.js';
