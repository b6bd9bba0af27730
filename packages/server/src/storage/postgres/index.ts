/**
 * `@syncline/server/postgres`: storage in PostgreSQL (`pg`). A subpath of its own so that
 * only applications that choose PostgreSQL load the driver.
 *
 * @example
 * import { createPostgresStorage } from '@syncline/server/postgres';
 * const storage = createPostgresStorage({ connectionString: process.env.DATABASE_URL!, schema: 'syncline' });
 */
export { createPostgresStorage, type PostgresStorageOptions } from './postgres-storage.js';
export { postgresDialect } from './postgres-dialect.js';
export { fitIdentifier } from './postgres-names.js';
export { loadPgDriver, type PgModule } from './postgres-driver.js';
