/**
 * A connection that runs SQL text at once, without a query builder: what the SQL storage
 * uses, when the dialect's adapter offers one, for the statements every write runs
 * (`direct-writes.ts`). SQLite's drivers run statements synchronously, so a write costs
 * the database's work and little else. The text uses SQLite's `?` placeholders.
 *
 * Only valid while the storage holds the connection (inside a transaction), where nothing
 * else runs on it.
 *
 * @example
 * const [row] = direct.all('SELECT * FROM "todos" WHERE "id" = ?', [id]);
 */
export interface DirectConnection {
  /** The rows of a statement that returns rows. */
  all(source: string, parameters: readonly unknown[]): Array<Record<string, unknown>>;
  /** Runs a statement that returns no rows; answers how many rows it changed. */
  run(source: string, parameters: readonly unknown[]): number;
}
