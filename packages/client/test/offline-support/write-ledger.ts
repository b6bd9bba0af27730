import type { Change, Storage, StorageWriter } from '@syncline/server';

/** One committed write transaction: the changes it made and the idempotency key it answered (undefined: none). */
export interface LedgerEntry {
  /** The client's key, without the server's caller scope. */
  readonly key: string | undefined;
  readonly changes: readonly Change[];
}

/**
 * A storage that keeps, for every committed write transaction, its changes and the
 * `Idempotency-Key` whose answer it saved: the server's own account of which key made
 * which change, to check that no key (and so no client write) was applied twice.
 *
 * @example
 * const ledger = createWriteLedger(createSqliteStorage({ filename: ':memory:' }));
 * const app = await createSyncline({ resources, storage: ledger.storage });
 * ledger.entries(); // [{ key: '0193…', changes: [change] }, …]
 */
export interface WriteLedger {
  readonly storage: Storage;
  entries(): readonly LedgerEntry[];
}

export function createWriteLedger(inner: Storage): WriteLedger {
  const committed: LedgerEntry[] = [];
  const write: Storage['write'] = async (fn) => {
    let key: string | undefined;
    const changes: Change[] = [];
    const result = await inner.write((tx) => {
      const observed: StorageWriter = {
        get: (resource, id) => tx.get(resource, id),
        list: (resource, query) => tx.list(resource, query),
        count: (resource, filter) => tx.count(resource, filter),
        head: () => tx.head(),
        findOutcome: (scoped) => tx.findOutcome(scoped),
        async apply(mutation) {
          const change = await tx.apply(mutation);
          changes.push(change);
          return change;
        },
        async saveOutcome(outcome, now) {
          const saved = await tx.saveOutcome(outcome, now);
          if (saved) key = clientKeyOf(outcome.key);
          return saved;
        },
      };
      return fn(observed);
    });
    if (changes.length > 0 || key !== undefined) committed.push({ key, changes });
    return result;
  };
  return { storage: Object.assign(Object.create(inner) as Storage, { write }), entries: () => committed };
}

/** The pipeline scopes keys as `["<caller>","<key>"]`. */
function clientKeyOf(scoped: string): string {
  try {
    const parsed: unknown = JSON.parse(scoped);
    if (Array.isArray(parsed) && typeof parsed[1] === 'string') return parsed[1];
  } catch {
    // Not the pipeline's form: keep it whole.
  }
  return scoped;
}
