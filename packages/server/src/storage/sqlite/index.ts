/**
 * `@syncline/server/sqlite`: storage in a SQLite file (better-sqlite3, WAL). A subpath of
 * its own so that only applications that choose SQLite load the native driver.
 *
 * @example
 * import { createSqliteStorage } from '@syncline/server/sqlite';
 * const storage = createSqliteStorage({ filename: 'data/app.db', synchronous: 'FULL' });
 */
export { createSqliteStorage, type SqliteStorage, type SqliteStorageOptions, type SqliteSettings, type SqliteSynchronous } from './sqlite-storage.js';
export { sqliteDialect } from './sqlite-dialect.js';
