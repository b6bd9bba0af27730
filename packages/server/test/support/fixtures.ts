import { defineResource, where, type RequestContext } from '@syncline/schema';
import { z } from 'zod';
import { createSyncline, type Syncline, type SynclineOptions } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

export const lists = defineResource({
  name: 'lists',
  schema: z.object({ title: z.string().min(1).max(200) }),
});

export const todos = defineResource({
  name: 'todos',
  schema: z.object({
    title: z.string().min(1),
    done: z.boolean().default(false),
    list: z.string(),
    order: z.number().default(0),
    tags: z.array(z.string()).optional(),
  }),
  references: { list: { resource: 'lists', onDelete: 'cascade' } },
  indexes: [['list', 'order']],
});

/** A resource with a read rule (owner only), write rules and hooks, for the rule and hook tests. */
export const notes = defineResource({
  name: 'notes',
  schema: z.object({ text: z.string(), owner: z.string(), locked: z.boolean().default(false) }),
  rules: {
    read: (ctx: RequestContext) => (ctx.principal ? where({ owner: ctx.principal.id }) : false),
    create: (ctx, data) => data.owner === ctx.principal?.id,
    update: (_ctx, current) => !current.locked,
    delete: (_ctx, current) => !current.locked,
  },
  hooks: {
    beforeCreate: (_ctx, data) => ({ ...data, text: data.text.trim() }),
  },
});

/** A parent whose children restrict its deletion. */
export const folders = defineResource({ name: 'folders', schema: z.object({ name: z.string() }) });
export const files = defineResource({
  name: 'files',
  schema: z.object({ name: z.string(), folder: z.string() }),
  references: { folder: 'folders' },
});

export const testResources = [lists, todos, notes, folders, files];

/** A server on an in-memory SQLite database; the principal is taken from an `x-user` header (tests only). */
export async function createTestSyncline(options: Partial<SynclineOptions> = {}): Promise<Syncline & AsyncDisposable> {
  const syncline = await createSyncline({
    resources: testResources,
    storage: createSqliteStorage({ filename: ':memory:' }),
    context: ({ transport, headers }) => (headers['x-user'] ? { transport, principal: { id: headers['x-user'] } } : { transport }),
    onError: () => {},
    ...options,
  });
  return Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Calls the HTTP handler (no socket) with a JSON body, like Hono's `app.request()`. */
export async function request(
  syncline: Syncline,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: unknown; raw?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body: Uint8Array | undefined;
  if (init.raw !== undefined || init.body !== undefined) {
    body = new TextEncoder().encode(init.raw ?? JSON.stringify(init.body));
    headers['content-type'] ??= 'application/json';
  }
  const response = await syncline.handle({ method, url, headers, ...(body ? { body } : {}) });
  return { status: response.status, headers: response.headers, body: response.body === undefined ? undefined : JSON.parse(response.body) };
}
