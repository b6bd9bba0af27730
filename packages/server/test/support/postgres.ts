import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The database the PostgreSQL tests run against. */
export const POSTGRES_URL = process.env['DATABASE_URL_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. In CI an unreachable database fails the run (a skipped
 * suite would pass silently); on a laptop without it the tests skip with a message.
 */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env['CI']) throw new Error(`PostgreSQL is required in CI but unreachable at ${POSTGRES_URL}: ${String(error)}`);
    console.warn(`Skipping PostgreSQL tests: nothing answers at ${POSTGRES_URL} (set DATABASE_URL_POSTGRES)`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other test file or run uses. */
export function uniqueSchema(prefix = 'syncline_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops test schemas with everything in them. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
