import { Kysely } from 'kysely';
import type { ResourceDefinition } from '@syncline/schema';
import type { Storage } from '../storage.js';
import type { Clock } from '../../clock.js';
import type { SqlTables } from '../sql/sql-dialect.js';
import { createSqlStorage } from '../sql/sql-storage.js';
import { describeTable, type ResourceTable } from '../sql/record-codec.js';
import { postgresDialect } from './postgres-dialect.js';
import { loadPgDriver, type PgModule, type PgPool } from './postgres-driver.js';
import { createNotificationListener } from './postgres-listener.js';
import { IndexNamePlugin, SchemaScopedPostgresDialect } from './postgres-names.js';
import { WRITER_SETTING, notifyChannel, outsideWriteTriggers } from './postgres-triggers.js';
import { createWriteBatcher } from './postgres-write-batch.js';

// json and jsonb: the dialect decodes JSON text itself, from the driver and from its own
// encoded rows alike (a parsed jsonb string "x" could not be told from JSON text).
const RAW_JSON_OIDS = new Set([114, 3802]);

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/database`. */
  readonly connectionString: string;
  /** The schema that holds Syncline's tables, created if missing. Default `public`. */
  readonly schema?: string;
  /** The most connections to hold open (default 10). Each `read`/`write` holds one for its transaction. */
  readonly pool?: number;
  /** The clock for change times; tests may pass a fixed one. */
  readonly now?: () => Date;
  /** Loads `pg`; tests pass one that fails. Default: `import('pg')`, on first use. */
  readonly loadDriver?: () => Promise<PgModule>;
  /**
   * Errors of idle connections (the server restarted, a network cut). The pool drops the
   * connection and opens another when needed. Default: console.error.
   */
  readonly onError?: (error: Error) => void;
  /** The clock of the LISTEN connection's reconnect wait. Default the system's. */
  readonly clock?: Clock;
  /**
   * The most concurrent writes that share one transaction (group commit, see
   * postgres-write-batch.ts); 1 commits every write on its own. Default 64
   * (`SYNCLINE_PG_WRITE_BATCH_MAX`).
   */
  readonly writeBatch?: number;
}

// The schema goes into a `-c search_path=` option and into DDL: keep it to plain identifiers.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Duplicate schema/object: two processes migrating at once both ran `IF NOT EXISTS`.
const ALREADY_EXISTS = new Set(['42P06', '23505']);

/** What {@link openPool} opens: the options resolved (the schema checked, the defaults applied). */
interface PoolSettings {
  readonly connectionString: string;
  readonly schema: string;
  readonly max: number;
  readonly onError: (error: Error) => void;
}

async function openPool(pg: PgModule, { connectionString, schema, max, onError }: PoolSettings): Promise<PgPool> {
  const types = {
    getTypeParser: (oid: number, format?: string) => (RAW_JSON_OIDS.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, format)),
  };
  // `syncline.writer=on` marks Syncline's own connections: the outside-write triggers
  // (postgres-triggers.ts) step aside for them, so their changes are logged once.
  const pool = new pg.Pool({ connectionString, max, options: `-c search_path=${schema} -c ${WRITER_SETTING}=on`, types });
  // Without a listener, an idle connection's error (a database restart) would end the process.
  pool.on('error', onError);
  // The pool listens only to idle connections: one checked out (inside a transaction) that the
  // server drops (57P01 on a restart) would emit 'error' to no one and end the process. Its
  // query fails instead, the request answers 503, and the pool discards the broken connection.
  pool.on('connect', (client) => client.on('error', onError));
  try {
    // Looked up first: CREATE SCHEMA checks the CREATE privilege on the database even when
    // the schema exists, and an app's role often lacks it (`public` always exists).
    const found = (await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as { rowCount: number | null };
    if (!found.rowCount) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    if (!ALREADY_EXISTS.has(String((error as { code?: unknown }).code))) {
      await pool.end();
      throw error;
    }
  }
  return pool;
}

/**
 * Storage in PostgreSQL through `pg`, on the shared Kysely SQL storage. Tables live in
 * one schema (so several apps or test runs can share a database), and seq comes from a
 * counter row locked until commit, so positions are gapless and in commit order
 * (see {@link postgresDialect}). Concurrent writes share one transaction, each in its own
 * savepoint (group commit, {@link createWriteBatcher}), so that lock and the commit's WAL
 * flush are paid once per batch. The pool opens on first use, usually `migrate()`.
 *
 * `migrate()` takes an advisory lock per schema: servers starting together would
 * otherwise race their `CREATE … IF NOT EXISTS` and one would fail. It also installs
 * triggers on each resource table so that writes made outside Syncline (psql, another
 * service) take a seq, bump `version` and append their change like Syncline's own, and
 * NOTIFY the schema's channel; `onCommitted` LISTENs there (one dedicated connection,
 * opened with the first listener) so the change feed reads them at once.
 *
 * @example
 * const storage = createPostgresStorage({ connectionString: 'postgres://app@db/app', schema: 'syncline' });
 * await storage.migrate([lists, todos]);
 */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const schema = options.schema ?? 'public';
  const max = options.pool ?? 10;
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`schema must be a lower-case identifier (a-z, 0-9, _), got ${JSON.stringify(schema)}`);
  if (!Number.isSafeInteger(max) || max < 1) throw new TypeError(`pool must be a positive integer, got ${max}`);
  const maxBatch = options.writeBatch ?? 64;
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new TypeError(`writeBatch must be a positive integer, got ${maxBatch}`);
  let opened: Promise<PgPool> | undefined;
  const onError = options.onError ?? ((error: Error) => console.error('[syncline] postgres pool:', error));
  // `pg` is imported on first use, not when this module loads: it is an optional dependency.
  let driver: Promise<PgModule> | undefined;
  const pg = () => (driver ??= (options.loadDriver ?? loadPgDriver)());
  const pool = () => (opened ??= pg().then((module) => openPool(module, { connectionString: options.connectionString, schema, max, onError })));
  const db = new Kysely<SqlTables>({
    dialect: new SchemaScopedPostgresDialect({ pool }, schema),
    plugins: [new IndexNamePlugin()],
  });
  const now = options.now ?? (() => new Date());
  const storage = createSqlStorage({ db, dialect: postgresDialect, now });
  // The batcher runs its own transactions on the pool, so it knows the migrated tables too.
  const tables = new Map<string, ResourceTable>();
  const tableOf = (resource: string): ResourceTable => {
    const table = tables.get(resource);
    if (!table) throw new Error(`Resource "${resource}" is not migrated: pass its definition to storage.migrate() first`);
    return table;
  };
  const batcher = createWriteBatcher({ db, dialect: postgresDialect, tableOf, now, maxBatch });
  let closed = false;
  const notifications = createNotificationListener({
    createClient: async () => new (await pg()).Client({ connectionString: options.connectionString }),
    channel: notifyChannel(schema),
    onError,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    ...storage,
    write(fn) {
      if (closed) return Promise.reject(new Error('Storage is closed'));
      return batcher.write(fn);
    },
    onCommitted: (listener) => notifications.add(listener),
    async close() {
      if (!closed) {
        closed = true;
        // Queued writes commit first: a shutdown must not cut a batch.
        await batcher.idle();
      }
      await notifications.close();
      await storage.close();
    },
    async migrate(definitions: readonly ResourceDefinition[]) {
      const client = await (await pool()).connect();
      try {
        await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`syncline:${schema}`]);
        try {
          await storage.migrate(definitions);
          for (const definition of definitions) tables.set(definition.name, describeTable(definition));
          await client.query('BEGIN', []);
          try {
            for (const definition of definitions) await client.query(outsideWriteTriggers(schema, describeTable(definition)), []);
            await client.query('COMMIT', []);
          } catch (error) {
            await client.query('ROLLBACK', []).catch(() => undefined);
            throw error;
          }
        } finally {
          await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`syncline:${schema}`]);
        }
      } finally {
        client.release();
      }
    },
  };
}
