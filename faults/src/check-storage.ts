import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Storage } from '@syncline/server';

/** The shared PostgreSQL the SIGKILL scenario writes to (in a schema of its own, dropped after). */
export const SHARED_POSTGRES_URL = process.env['DATABASE_URL_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Opens, in the test process, the storage a server process writes to, for the history checker
 * to read the change log and the records directly.
 *
 * @example
 * const storage = await openCheckStorage('sqlite:/tmp/faults.db');
 */
export async function openCheckStorage(databaseUrl: string, schema?: string): Promise<Storage> {
  if (databaseUrl.startsWith('sqlite:')) {
    const { createSqliteStorage } = await import('@syncline/server/sqlite');
    return createSqliteStorage({ filename: databaseUrl.slice('sqlite:'.length) });
  }
  const { createPostgresStorage } = await import('@syncline/server/postgres');
  return createPostgresStorage({ connectionString: databaseUrl, ...(schema ? { schema } : {}), pool: 2, onError: () => undefined });
}

/** A schema name no other run uses. */
export function uniqueSchema(): string {
  return `syncline_faults_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Whether a PostgreSQL answers at `url`. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function inSchema<T>(url: string, schema: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Records, for every change appended to the schema's log from now on, the transaction that
 * committed it (`txid_current()`: a batch's writes share one, savepoints or not), so a
 * scenario can tell how many writes each commit carried.
 */
export async function trackCommits(url: string, schema: string): Promise<void> {
  await inSchema(url, schema, async (client) => {
    await client.query('CREATE TABLE fault_commit_log (seq bigint PRIMARY KEY, tx bigint NOT NULL)');
    await client.query(`CREATE FUNCTION fault_log_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO fault_commit_log VALUES (NEW.seq, txid_current()); RETURN NULL; END $$`);
    await client.query('CREATE TRIGGER fault_log_commit AFTER INSERT ON syncline_changes FOR EACH ROW EXECUTE FUNCTION fault_log_commit()');
  });
}

/** The most changes one committed transaction carried since {@link trackCommits}, and how many transactions carried more than one. */
export async function commitSizes(url: string, schema: string): Promise<{ largest: number; batched: number }> {
  return inSchema(url, schema, async (client) => {
    const { rows } = await client.query<{ largest: string | null; batched: string }>(
      'SELECT max(n) AS largest, count(*) FILTER (WHERE n > 1) AS batched FROM (SELECT count(*) AS n FROM fault_commit_log GROUP BY tx) AS commits',
    );
    return { largest: Number(rows[0]?.largest ?? 0), batched: Number(rows[0]?.batched ?? 0) };
  });
}
