import { afterEach, describe } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { agreementCases } from './storage-cases/agreement-cases.js';
import { filterCases } from './storage-cases/filter-cases.js';
import { CONFORMANCE_RESOURCES, type OpenStorage } from './storage-cases/fixtures.js';
import { logCases } from './storage-cases/log-cases.js';
import { orderCases } from './storage-cases/order-cases.js';
import { outcomeCases } from './storage-cases/outcome-cases.js';
import { transactionCases } from './storage-cases/transaction-cases.js';
import { writeCases } from './storage-cases/write-cases.js';

export interface StorageConformanceOptions {
  /** Why the suite cannot run here; set, every case is skipped. */
  readonly skip?: string;
}

/**
 * The storage conformance suite: declares a Vitest `describe` of named cases that every
 * {@link Storage} adapter must pass — writes and conflicts, gapless seq in commit order,
 * atomic and serialized transactions, migrations, filters with SQL's NULL semantics (and
 * agreement with `matchesFilter`), ordering by code point, keyset pagination, the change
 * log, and the saved outcomes of idempotent writes. `makeStorage` must answer a new, empty storage on every call; the suite
 * migrates its own resources (named `conformance_*`) and closes each storage after its case.
 *
 * `options.skip`, a reason, skips the whole suite and shows the reason in its name: for an
 * adapter whose driver cannot load where the tests run.
 *
 * @example
 * // test/storage/sqlite-storage.test.ts
 * runStorageConformance('sqlite :memory:', async () => createSqliteStorage({ filename: ':memory:' }));
 */
export function runStorageConformance(name: string, makeStorage: () => Promise<Storage>, options: StorageConformanceOptions = {}): void {
  const suite = options.skip === undefined ? describe : describe.skip;
  const title = options.skip === undefined ? `storage conformance: ${name}` : `storage conformance: ${name} (skipped: ${options.skip})`;
  suite(title, () => {
    const opened: Storage[] = [];
    const open: OpenStorage = async (options) => {
      const storage = await makeStorage();
      opened.push(storage);
      if (options?.migrate !== false) await storage.migrate(CONFORMANCE_RESOURCES);
      return storage;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((storage) => storage.close()));
    });

    writeCases(open);
    transactionCases(open);
    filterCases(open);
    orderCases(open);
    logCases(open);
    agreementCases(open);
    outcomeCases(open);
  });
}
