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
