import type { PostgresPool } from 'kysely';
import { loadDriver, type DriverImport } from '../../drivers/load-driver.js';
import type { PgListenClient } from './postgres-listener.js';

/** The slice of pg's `Pool` this adapter calls (Kysely's slice plus `query`). */
export interface PgPool extends PostgresPool {
  query(text: string, values?: readonly unknown[]): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'connect', listener: (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => void): unknown;
}

export interface PgPoolConfig {
  connectionString: string;
  max: number;
  /** Server settings for every connection: `-c search_path=…`. */
  options: string;
  types: { getTypeParser(oid: number, format?: string): (text: string) => unknown };
}

export interface PgModule {
  Pool: new (config: PgPoolConfig) => PgPool;
  Client: new (config: { connectionString: string }) => PgListenClient;
  types: PgPoolConfig['types'];
}

const importPg: DriverImport = () => import('pg');

/**
 * Imports `pg` when a PostgreSQL storage first opens, never at module load: it is an
 * optional dependency. Rejects with `driver-missing` (`npm install pg`) when it is not installed.
 *
 * @example
 * const pg = await loadPgDriver();
 * const pool = new pg.Pool({ connectionString, max: 10, options: '', types: pg.types });
 */
export async function loadPgDriver(load: DriverImport = importPg): Promise<PgModule> {
  const module = (await loadDriver('pg', 'PostgreSQL storage (postgres://)', load)) as { default: PgModule };
  return module.default;
}
