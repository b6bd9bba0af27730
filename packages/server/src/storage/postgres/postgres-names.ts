import { createHash } from 'node:crypto';
import {
  CreateIndexNode,
  IdentifierNode,
  OperationNodeTransformer,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type ColumnMetadata,
  type DatabaseIntrospector,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableMetadata,
  type UnknownRow,
  type PostgresDialectConfig,
} from 'kysely';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut silently, so two long index names could collide. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * A name that fits PostgreSQL: unchanged when short enough, else a prefix plus a hash of
 * the whole name, so it stays readable, stable across runs and distinct from its neighbours.
 *
 * @example
 * fitIdentifier('todos__list__order__idx'); // unchanged
 */
export function fitIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  let prefix = name.slice(0, MAX_IDENTIFIER_BYTES - hash.length - 1);
  while (Buffer.byteLength(prefix) > MAX_IDENTIFIER_BYTES - hash.length - 1) prefix = prefix.slice(0, -1);
  return `${prefix}_${hash}`;
}

class IndexNameTransformer extends OperationNodeTransformer {
  protected override transformCreateIndex(node: CreateIndexNode): CreateIndexNode {
    const transformed = super.transformCreateIndex(node);
    const fitted = fitIdentifier(transformed.name.name);
    return fitted === transformed.name.name ? transformed : { ...transformed, name: IdentifierNode.create(fitted) };
  }
}

/**
 * Shortens index names the shared SQL storage builds (`<table>__<fields>__idx`) to what
 * PostgreSQL keeps, with a hash, so `CREATE INDEX IF NOT EXISTS` never mistakes one
 * index for another that shares a 63-byte prefix.
 */
export class IndexNamePlugin implements KyselyPlugin {
  readonly #transformer = new IndexNameTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return CreateIndexNode.is(args.node) ? this.#transformer.transformNode(args.node) : args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

interface ColumnRow {
  table: string;
  is_view: boolean;
  column: string;
  data_type: string;
  data_type_schema: string;
  not_null: boolean;
  has_default: boolean;
}

/**
 * The tables and columns of one schema. Asked of that schema only: Kysely's introspector
 * reads every schema, and fails ("schema … does not exist") when another one is dropped
 * meanwhile (parallel test runs, other apps on the database).
 */
async function schemaTables(db: Kysely<any>, schema: string): Promise<TableMetadata[]> {
  const { rows } = await sql<ColumnRow>`
    SELECT c.relname AS "table", c.relkind = 'v' AS is_view, a.attname AS "column", t.typname AS data_type,
           tn.nspname AS data_type_schema, a.attnotnull AS not_null, a.atthasdef AS has_default
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`.execute(db);
  const tables = new Map<string, { name: string; isView: boolean; schema: string; columns: ColumnMetadata[] }>();
  for (const row of rows) {
    let table = tables.get(row.table);
    if (!table) tables.set(row.table, (table = { name: row.table, isView: row.is_view, schema, columns: [] }));
    table.columns.push({
      name: row.column,
      dataType: row.data_type,
      dataTypeSchema: row.data_type_schema,
      isNullable: !row.not_null,
      isAutoIncrementing: false,
      hasDefaultValue: row.has_default,
    });
  }
  return [...tables.values()];
}

/**
 * Kysely's PostgreSQL dialect, with introspection limited to one schema: the shared
 * migration looks tables up by name, and tables of the same name in other schemas (other
 * apps, parallel test runs) must not count as existing here.
 */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  readonly #schema: string;
  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const inner = new PostgresIntrospector(db);
    const schema = this.#schema;
    return {
      getSchemas: () => inner.getSchemas(),
      getTables: () => schemaTables(db, schema),
      getMetadata: async () => ({ tables: await schemaTables(db, schema) }),
    };
  }
}
