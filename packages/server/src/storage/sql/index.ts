/**
 * The SQL storage shared by dialects: an adapter for another database is a
 * {@link SqlDialect} plus a Kysely instance.
 *
 * @example
 * const storage = createSqlStorage({ db: new Kysely<SqlTables>({ dialect }), dialect: postgresDialect });
 */
export { createSqlStorage, type SqlStorageOptions } from './sql-storage.js';
export type { SqlDatabase, SqlDialect, SqlTables } from './sql-dialect.js';
export { filterToSql } from './filter-to-sql.js';
export { keysetToSql, orderToSql, type SqlOrderItem } from './order-to-sql.js';
export { describeTable, type ResourceTable } from './record-codec.js';
export { CHANGES_TABLE, SEQ_TABLE } from './schema-ddl.js';
export { OUTCOMES_TABLE } from './outcome-store.js';
