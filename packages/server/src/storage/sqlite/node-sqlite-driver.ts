import { createRequire } from 'node:module';
import type { SqliteStatement } from 'kysely';
import { SynclineError } from '@syncline/protocol';
import type { DriverImport } from '../../drivers/load-driver.js';
import type { SqliteConnection, SqliteDriver } from './sqlite-driver.js';

type RunResult = ReturnType<SqliteStatement['run']>;

/** The slice of `node:sqlite`'s `StatementSync` the driver calls; `columns()` came in Node 22.16. */
interface StatementSync {
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): RunResult;
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
  columns?(): readonly unknown[];
}

/** The slice of `node:sqlite`'s `DatabaseSync` the driver calls. */
interface DatabaseSync {
  prepare(source: string): StatementSync;
  exec(source: string): void;
  close(): void;
}

type DatabaseSyncConstructor = new (filename: string) => DatabaseSync;

const EXPERIMENTAL_MESSAGE = /^SQLite is an experimental feature/;

/**
 * Loads `node:sqlite` without its one-time "SQLite is an experimental feature" warning
 * (Node 22; Node 24 no longer prints it). `process.emitWarning` is replaced only for the
 * duration of this synchronous `require`, so no other code can run meanwhile, drops only
 * that ExperimentalWarning, and is put back in `finally`. Every other warning passes.
 */
const requireNodeSqlite: DriverImport = async () => {
  const require = createRequire(import.meta.url);
  const emitWarning = process.emitWarning;
  process.emitWarning = function filteredEmitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
    if (type === 'ExperimentalWarning' && EXPERIMENTAL_MESSAGE.test(message)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return require('node:sqlite') as unknown;
  } finally {
    process.emitWarning = emitWarning;
  }
};

// Only for Node 22.13–22.15, whose statements cannot list their columns: the statements
// that return no rows unless they say RETURNING. Kysely needs to know, to answer `run`'s counts.
const WRITE_STATEMENT = /^\s*(insert|update|delete|replace|create|drop|alter|begin|commit|end|rollback|savepoint|release)\b/i;

function returnsRows(statement: StatementSync, source: string): boolean {
  if (typeof statement.columns === 'function') return statement.columns().length > 0;
  return !WRITE_STATEMENT.test(source) || /\breturning\b/i.test(source);
}

/** `node:sqlite` binds parameters as arguments; Kysely hands them over as one array. */
function adaptStatement(statement: StatementSync, source: string): SqliteStatement {
  return {
    reader: returnsRows(statement, source),
    all: (parameters) => statement.all(...parameters),
    run: (parameters) => statement.run(...parameters),
    iterate: (parameters) => statement.iterate(...parameters),
  };
}

function adaptDatabase(database: DatabaseSync): SqliteConnection {
  return {
    prepare: (source) => adaptStatement(database.prepare(source), source),
    exec: (source) => database.exec(source),
    close: () => database.close(),
  };
}

/**
 * The driver built into Node (`node:sqlite`'s `DatabaseSync`, without a flag from Node
 * 22.13): nothing to install or compile. Like better-sqlite3's build, it enforces foreign
 * keys and refuses double-quoted string literals by default.
 *
 * Rejects with `driver-missing` on a Node that does not have it.
 *
 * @example
 * const driver = await loadNodeSqliteDriver();
 * const connection = driver.open(':memory:');
 */
export async function loadNodeSqliteDriver(load: DriverImport = requireNodeSqlite): Promise<SqliteDriver> {
  let module: { DatabaseSync: DatabaseSyncConstructor };
  try {
    module = (await load()) as { DatabaseSync: DatabaseSyncConstructor };
  } catch (error) {
    throw new SynclineError('driver-missing', {
      detail: `The built-in SQLite driver node:sqlite is not available on Node ${process.versions.node}: use Node >= 22.13 (22.5 to 22.12 with --experimental-sqlite), or install better-sqlite3: npm install better-sqlite3`,
      cause: error,
    });
  }
  const { DatabaseSync } = module;
  return { name: 'node:sqlite', open: (filename) => adaptDatabase(new DatabaseSync(filename)) };
}
