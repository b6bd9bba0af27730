// Races between a membership change and a write that inherits membership: the read rule of
// todos trusts the `owner`/`members` they inherit from their list, so a todo created (or a
// list deleted) concurrently with a change of the list must still end up with its list's
// current values (or not exist). A storage wrapper slows the creating transaction between
// reading the list and writing the todo, as a slow database or a busy pool would.
import { afterAll, describe, expect, it } from 'vitest';
import { createSyncline, type Storage, type StorageWriter, type Syncline } from '../../src/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';
import { sharingResources, userFromHeader } from './support/sharing-resources.js';

/** Storage whose next write transaction to read a list pauses `ms` after reading it. */
function slowListReads(inner: Storage): Storage & { pauseNextListRead(ms: number): Promise<void> } {
  let pending: { ms: number; reached: () => void } | undefined;
  const wrapWriter = (tx: StorageWriter): StorageWriter =>
    new Proxy(tx, {
      get(target, key, receiver) {
        if (key !== 'get') return Reflect.get(target, key, receiver);
        return async (resource: string, id: string) => {
          const record = await target.get(resource, id);
          const pause = resource === 'lists' ? pending : undefined;
          if (pause) {
            pending = undefined;
            pause.reached();
            await new Promise((resolve) => setTimeout(resolve, pause.ms));
          }
          return record;
        };
      },
    });
  return Object.assign(Object.create(inner) as Storage, {
    dialect: inner.dialect,
    migrate: inner.migrate.bind(inner),
    read: inner.read.bind(inner),
    write: <T,>(fn: (tx: StorageWriter) => Promise<T>) => inner.write((tx) => fn(wrapWriter(tx))),
    changesSince: inner.changesSince.bind(inner),
    logBounds: inner.logBounds.bind(inner),
    trimLog: inner.trimLog.bind(inner),
    ...(inner.onCommitted ? { onCommitted: inner.onCommitted.bind(inner) } : {}),
    close: inner.close.bind(inner),
    /** Resolves once the paused read has happened. */
    pauseNextListRead: (ms: number) => new Promise<void>((reached) => (pending = { ms, reached })),
  });
}

async function call(syncline: Syncline, user: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'x-user': user };
  if (body !== undefined) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const response = await syncline.handle({ method, url, headers, ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }) });
  return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
}

function raceCases(make: () => Promise<{ syncline: Syncline; storage: ReturnType<typeof slowListReads> }>): void {
  it('a todo created while its list is unshared ends up invisible to the removed member', async () => {
    const { syncline, storage } = await make();
    try {
      const list = (await call(syncline, 'ann', 'POST', '/lists', { title: 'L' })).body;
      expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: ['bob'] })).status).toBe(200);
      // Bob's create reads the list (bob is a member) and pauses; meanwhile ann removes bob.
      const paused = storage.pauseNextListRead(300);
      const creating = call(syncline, 'bob', 'POST', '/todos', { title: 'sneaky', list: list.id });
      await paused;
      const unshared = await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: [] });
      const created = await creating;
      expect(unshared.status).toBe(200);
      // Either order is fine (201, then propagated; or 422), but bob must not see it now.
      expect([201, 422]).toContain(created.status);
      const seen = await call(syncline, 'bob', 'GET', '/todos');
      expect(seen.body.items, `bob's create answered ${created.status}, then bob reads`).toEqual([]);
      if (created.status === 201) expect((await call(syncline, 'bob', 'GET', `/todos/${created.body.id}`)).status).toBe(404);
    } finally {
      await syncline.close();
    }
  });

  it('a todo created while its list is deleted does not outlive the list', async () => {
    const { syncline, storage } = await make();
    try {
      const list = (await call(syncline, 'ann', 'POST', '/lists', { title: 'L' })).body;
      expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: ['bob'] })).status).toBe(200);
      const paused = storage.pauseNextListRead(300);
      const creating = call(syncline, 'bob', 'POST', '/todos', { title: 'orphan', list: list.id });
      await paused;
      expect((await call(syncline, 'ann', 'DELETE', `/lists/${list.id}`)).status).toBe(204);
      const created = await creating;
      expect([201, 422]).toContain(created.status);
      expect((await call(syncline, 'ann', 'GET', '/todos')).body.items, `bob's create answered ${created.status}`).toEqual([]);
      expect((await call(syncline, 'bob', 'GET', '/todos')).body.items).toEqual([]);
    } finally {
      await syncline.close();
    }
  });
}

describe('membership races on SQLite', () => {
  raceCases(async () => {
    const storage = slowListReads(createSqliteStorage({ filename: ':memory:' }));
    const syncline = await createSyncline({ resources: sharingResources().resources, storage, context: userFromHeader, onError: () => {} });
    return { syncline, storage };
  });
});

const postgres = await postgresReachable();
const schemas: string[] = [];
afterAll(async () => {
  if (postgres) await dropSchemas(schemas.splice(0));
});

// On PostgreSQL, write transactions run at READ COMMITTED; they take the writers' lock
// (the `syncline_seq` row) before anything else, so a create that checks its list cannot
// interleave with the change that unshares or deletes that list.
describe.skipIf(!postgres)('membership races on PostgreSQL', () => {
  raceCases(async () => {
    const schema = uniqueSchema('syncline_authz_race');
    schemas.push(schema);
    const storage = slowListReads(createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {} }));
    const syncline = await createSyncline({ resources: sharingResources().resources, storage, context: userFromHeader, onError: () => {} });
    return { syncline, storage };
  });
});
