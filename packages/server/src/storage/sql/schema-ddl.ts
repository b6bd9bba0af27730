import { sql } from 'kysely';
import { createOutcomesTable } from './outcome-store.js';
import type { ResourceTable } from './record-codec.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';

/** The change log: one row per committed write, in `seq` order. */
export const CHANGES_TABLE = 'syncline_changes';
/** A one-row counter that hands out `seq` inside each write transaction. */
export const SEQ_TABLE = 'syncline_seq';
/** Resource names may not take this prefix: the framework's own tables live there. */
export const RESERVED_TABLE_PREFIX = 'syncline_';

async function createChangeLog(db: SqlDatabase, dialect: SqlDialect): Promise<void> {
  const text = dialect.columnType('string');
  const json = dialect.columnType('json');
  await db.schema
    .createTable(CHANGES_TABLE)
    .ifNotExists()
    .addColumn('seq', dialect.seqType, (column) => column.primaryKey())
    .addColumn('resource', text, (column) => column.notNull())
    .addColumn('record_id', text, (column) => column.notNull())
    .addColumn('kind', text, (column) => column.notNull())
    .addColumn('after', json)
    .addColumn('before', json)
    .addColumn('at', text, (column) => column.notNull())
    .execute();
  // Not an auto-increment column: a counter row taken inside the write transaction is
  // gapless and ordered by commit (PostgreSQL holds the row's lock until commit), where a
  // sequence value becomes visible out of order. It also never goes back after a trim.
  await db.schema
    .createTable(SEQ_TABLE)
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey().check(sql`${sql.id('id')} = 1`))
    .addColumn('value', dialect.seqType, (column) => column.notNull())
    .execute();
  await db
    .insertInto(SEQ_TABLE)
    .values({ id: 1, value: 0 })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

/**
 * Field columns accept NULL whatever the schema says: validation is the schema's job, a
 * column added to a table with rows could not be NOT NULL without a default, and a field
 * that later becomes optional must not be refused by an old constraint.
 */
async function createResourceTable(db: SqlDatabase, dialect: SqlDialect, table: ResourceTable): Promise<void> {
  const text = dialect.columnType('string');
  let builder = db.schema
    .createTable(table.name)
    .ifNotExists()
    .addColumn('id', text, (column) => column.primaryKey().notNull())
    .addColumn('version', dialect.seqType, (column) => column.notNull())
    .addColumn('createdAt', text, (column) => column.notNull())
    .addColumn('updatedAt', text, (column) => column.notNull());
  for (const [name, info] of Object.entries(table.definition.fields)) {
    builder = builder.addColumn(name, dialect.columnType(info.kind));
  }
  await builder.execute();
}

function indexName(table: string, fields: readonly string[]): string {
  return `${table}__${fields.join('__')}__idx`;
}

/**
 * Creates what the definitions need and is missing: the change log, one table per
 * resource, columns for fields added since the table was made (a definition may grow;
 * columns of removed fields stay, unread), and the declared indexes. Safe to run on every
 * start; run it inside a transaction so a failure leaves nothing half-made.
 *
 * @example
 * await migrateTables(tx, sqliteDialect, [describeTable(lists), describeTable(todos)]);
 */
export async function migrateTables(db: SqlDatabase, dialect: SqlDialect, tables: readonly ResourceTable[]): Promise<void> {
  await createChangeLog(db, dialect);
  await createOutcomesTable(db, dialect);
  const existing = new Map((await db.introspection.getTables()).map((meta) => [meta.name, new Set(meta.columns.map((column) => column.name))]));
  for (const table of tables) {
    const columns = existing.get(table.name);
    if (!columns) {
      await createResourceTable(db, dialect, table);
    } else {
      for (const [name, info] of Object.entries(table.definition.fields)) {
        if (!columns.has(name)) await db.schema.alterTable(table.name).addColumn(name, dialect.columnType(info.kind)).execute();
      }
    }
    for (const fields of table.definition.indexes) {
      await db.schema
        .createIndex(indexName(table.name, fields))
        .ifNotExists()
        .on(table.name)
        .expression(sql.join(fields.map((field) => sql.id(field))))
        .execute();
    }
  }
}
