import { join } from 'node:path';
import { defineResource } from '@syncline/schema';
import { createSyncline, loadConfig } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { z } from 'zod';
import type { ServerAdapter, ServerOptions } from '../common.js';
import { serveItems } from './syncline-server.js';
import { RULE_USERS, userName } from './syncline-rules-users.js';

/**
 * The same records as the Syncline system, shared with many users through a per-user read
 * rule (`members contains <the subscriber>`), as a list shared with its members is. Each
 * subscriber signs in as one of {@link RULE_USERS} users, so the fan-out has one group per
 * user where the rule-free one has a single group: this measures what the rule costs.
 */
export const items = defineResource({
  name: 'items',
  schema: z.object({ topic: z.number().int(), n: z.number().int(), ts: z.number(), payload: z.string(), members: z.array(z.string()) }),
  fieldRules: { members: { hidden: true } },
  rules: { read: (ctx) => (ctx.principal ? { field: 'members', op: 'contains', value: ctx.principal.id } : false) },
});

export async function startServer(options: ServerOptions): Promise<ServerAdapter> {
  const config = loadConfig(process.env);
  const syncline = await createSyncline({
    resources: [items],
    storage: createSqliteStorage({ filename: join(options.dir, 'syncline.db'), synchronous: 'NORMAL' }),
    limits: config.limits,
    // The benchmark's stand-in for sign-in: the user is named by a header on the upgrade.
    context: ({ transport, headers }) => (headers['x-bench-user'] ? { transport, principal: { id: headers['x-bench-user'] } } : { transport }),
    onError: (error, where) => {
      if ((error as { code?: string }).code !== 'ECONNRESET') console.error(`[syncline] ${where}:`, error);
    },
  });
  const members = Array.from({ length: RULE_USERS }, (_, i) => userName(i));
  return serveItems(syncline, options.records, { transport: 'internal' }, () => ({ members }));
}
