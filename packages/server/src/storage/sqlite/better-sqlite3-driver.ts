import { SynclineError } from '@syncline/protocol';
import { loadDriver, type DriverImport } from '../../drivers/load-driver.js';
import type { SqliteConnection, SqliteDriver } from './sqlite-driver.js';

type BetterSqliteConstructor = new (filename: string) => SqliteConnection;

const importBetterSqlite3: DriverImport = () => import('better-sqlite3');

/**
 * The `better-sqlite3` driver (a native addon). Its statements already have the shape
 * Kysely calls, so a database is used as it opens.
 *
 * Rejects with `driver-missing` when the package is not installed, and also when it is but
 * its addon cannot load: it was built for another Node version (the ABI differs) and must
 * be rebuilt, or the built-in driver used instead.
 *
 * @example
 * const driver = await loadBetterSqlite3Driver();
 * const connection = driver.open('data/app.db');
 */
export async function loadBetterSqlite3Driver(load: DriverImport = importBetterSqlite3): Promise<SqliteDriver> {
  const module = (await loadDriver('better-sqlite3', 'The better-sqlite3 SQLite driver', load)) as { default: BetterSqliteConstructor };
  const Database = module.default;
  // The addon is loaded by the first `new Database()`, not by the import: open one to know.
  try {
    new Database(':memory:').close();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SynclineError('driver-missing', {
      detail: `better-sqlite3 is installed but cannot load on Node ${process.versions.node} (${reason}): rebuild it for this Node (npm rebuild better-sqlite3), or use the built-in driver 'node:sqlite' (Node >= 22.13)`,
      cause: error,
    });
  }
  return { name: 'better-sqlite3', open: (filename) => new Database(filename) };
}
