import { SynclineError } from '@syncline/protocol';

/** Imports a driver package (`() => import('pg')`); tests pass one that fails. */
export type DriverImport = () => Promise<unknown>;

const NOT_FOUND_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** Whether an import failed because a package is not installed (rather than failing inside it). */
export function isModuleNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NOT_FOUND_CODES.has(String((error as { code?: unknown }).code));
}

/**
 * The one error for a driver that is not there: `driver-missing`, naming the package to install.
 *
 * @example
 * throw driverMissing('pg', 'PostgreSQL storage (postgres://)', error);
 * // driver-missing: PostgreSQL storage (postgres://) needs the package "pg", which is not installed: npm install pg
 */
export function driverMissing(packageName: string, purpose: string, cause: unknown): SynclineError {
  return new SynclineError('driver-missing', { detail: `${purpose} needs the package "${packageName}", which is not installed: npm install ${packageName}`, cause });
}

/**
 * Imports a driver package at the moment it is needed, never at module load: `pg`,
 * `ioredis` and `better-sqlite3` are optional, and an application installs only the ones
 * it uses. A package that is not installed rejects with `driver-missing`; any other
 * failure (an error inside the package) rejects as it is.
 *
 * @example
 * const pg = await loadDriver('pg', 'PostgreSQL storage (postgres://)', () => import('pg'));
 */
export async function loadDriver(packageName: string, purpose: string, load: DriverImport): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) throw driverMissing(packageName, purpose, error);
    throw error;
  }
}
