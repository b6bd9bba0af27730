import { createHash } from 'node:crypto';
import {
  CreateIndexNode,
  IdentifierNode,
  OperationNodeTransformer,
  PostgresDialect,
  PostgresIntrospector,
  type DatabaseIntrospector,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
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
      getTables: async (options) => (await inner.getTables(options)).filter((table) => table.schema === schema),
      getMetadata: async (options) => ({ tables: (await inner.getTables(options)).filter((table) => table.schema === schema) }),
    };
  }
}
