import { defineResource, MATCH_ALL } from '@syncline/schema';
import { z } from 'zod';
import { createSyncline, type Change, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { createWriteLedger, type WriteLedger } from './write-ledger.js';

/**
 * The resource the convergence test writes. `op` maps a client's name to the token of that
 * client's latest write to the record: each client changes only its own entry, so two
 * clients' writes never meet on it (a merge takes both), and every change shows which
 * client write it carries.
 */
export const notes = defineResource({
  name: 'notes',
  schema: z.object({
    title: z.string(),
    body: z.string().default(''),
    done: z.boolean().default(false),
    n: z.number().int().default(0),
    op: z.record(z.string(), z.string()).default({}),
  }),
});

/** A server on in-memory SQLite whose storage keeps a ledger of which idempotency key made which change. */
export interface ConvergenceServer extends AsyncDisposable {
  readonly app: Syncline;
  readonly port: number;
  readonly ledger: WriteLedger;
  /** The whole change log, oldest first. */
  changes(): Promise<Change[]>;
  /** Every note on the server, by URI. */
  records(): Promise<Map<string, Record<string, unknown>>>;
}

/**
 * Starts the server on port 0.
 *
 * @example
 * await using server = await startConvergenceServer();
 * const log = await server.changes();
 */
export async function startConvergenceServer(): Promise<ConvergenceServer> {
  const ledger = createWriteLedger(createSqliteStorage({ filename: ':memory:' }));
  const app = await createSyncline({ resources: [notes], storage: ledger.storage, onError: () => {} });
  const { port } = await app.listen(0, '127.0.0.1');
  return {
    app,
    port,
    ledger,
    async changes() {
      const all: Change[] = [];
      for (;;) {
        const page = await ledger.storage.changesSince(all.at(-1)?.seq ?? 0, 1000);
        all.push(...page);
        if (page.length < 1000) return all;
      }
    },
    async records() {
      const rows = await ledger.storage.read((tx) => tx.list('notes', { filter: MATCH_ALL, order: [{ field: 'id', direction: 'asc' }], limit: 100_000 }));
      return new Map(rows.map((row) => [`/notes/${row.id}`, { ...row }]));
    },
    [Symbol.asyncDispose]: () => app.close(),
  };
}
