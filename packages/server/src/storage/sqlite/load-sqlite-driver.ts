import { SynclineError } from '@syncline/protocol';
import { loadBetterSqlite3Driver } from './better-sqlite3-driver.js';
import { loadNodeSqliteDriver } from './node-sqlite-driver.js';
import type { SqliteDriver, SqliteDriverChoice, SqliteDriverName } from './sqlite-driver.js';

/** How each driver loads; tests replace them to play a Node where one is missing. */
export type SqliteDriverLoaders = Readonly<Record<SqliteDriverName, () => Promise<SqliteDriver>>>;

const DEFAULT_LOADERS: SqliteDriverLoaders = {
  'better-sqlite3': () => loadBetterSqlite3Driver(),
  'node:sqlite': () => loadNodeSqliteDriver(),
};

// What loads on this process does not change while it runs: each choice is settled once.
const settled = new Map<SqliteDriverChoice, Promise<SqliteDriver>>();

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function chooseAutomatically(loaders: SqliteDriverLoaders): Promise<SqliteDriver> {
  let betterSqliteError: unknown;
  try {
    return await loaders['better-sqlite3']();
  } catch (error) {
    betterSqliteError = error;
  }
  try {
    return await loaders['node:sqlite']();
  } catch (nodeSqliteError) {
    throw new SynclineError('driver-missing', {
      detail:
        `No SQLite driver can load on Node ${process.versions.node}: install better-sqlite3 (npm install better-sqlite3), or use Node >= 22.13 for the built-in node:sqlite.` +
        ` better-sqlite3: ${reasonOf(betterSqliteError)} node:sqlite: ${reasonOf(nodeSqliteError)}`,
      cause: new AggregateError([betterSqliteError, nodeSqliteError], 'no SQLite driver loads'),
    });
  }
}

/**
 * The SQLite driver for a choice: the one named, or with `auto`, better-sqlite3 when it
 * loads (installed and built for this Node), else `node:sqlite` when this Node has it.
 * Rejects with one `driver-missing` error that says what to install or which Node to use.
 *
 * @example
 * const driver = await loadSqliteDriver('auto'); // better-sqlite3 on Node 20, node:sqlite on Node 24 without the addon
 */
export function loadSqliteDriver(choice: SqliteDriverChoice, loaders: SqliteDriverLoaders = DEFAULT_LOADERS): Promise<SqliteDriver> {
  const load = () => (choice === 'auto' ? chooseAutomatically(loaders) : loaders[choice]());
  if (loaders !== DEFAULT_LOADERS) return load();
  let driver = settled.get(choice);
  if (driver === undefined) {
    driver = load();
    settled.set(choice, driver);
  }
  return driver;
}
