import { defineResource, where } from '@syncline/schema';
import { z } from 'zod';
import { createPasswordAuth, createSyncline, type PasswordAuthOptions, type Syncline, type SynclineOptions } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

/** Notes for signed-in users, each visible to its owner only; the server sets the owner. */
export const ownedNotes = defineResource({
  name: 'notes',
  schema: z.object({ text: z.string(), owner: z.string() }),
  fieldRules: { owner: { write: false } },
  signedIn: true,
  rules: { read: (ctx) => (ctx.principal ? where({ owner: ctx.principal.id }) : false) },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }) },
});

/** scrypt at a cost that keeps tests quick (the default is 32 times dearer). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** A server with the built-in sign-in and {@link ownedNotes}, on in-memory SQLite unless `options` say otherwise. */
export async function createSignedInSyncline(auth: PasswordAuthOptions = {}, options: Partial<SynclineOptions> = {}): Promise<Syncline & AsyncDisposable> {
  const syncline = await createSyncline({
    resources: [ownedNotes],
    storage: createSqliteStorage({ filename: ':memory:' }),
    auth: createPasswordAuth({ scrypt: FAST_SCRYPT, ...auth }),
    onError: () => {},
    ...options,
  });
  return Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
}
