import { join } from 'node:path';
import { defineResource } from '@syncline/schema';
import { createSyncline, loadConfig } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { z } from 'zod';
import { PAYLOAD, recordId, type ServerAdapter, type ServerOptions } from '../common.js';
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
  const context = { transport: 'internal' } as const;
  for (let topic = 0; topic < options.records; topic++) {
    const outcome = await syncline.execute({ method: 'PUT', uri: `/items/${recordId(topic)}`, headers: {}, body: { topic, n: 0, ts: 0, payload: PAYLOAD, members }, context });
    if (outcome.status !== 201) throw new Error(`seeding answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
  }
  const { port } = await syncline.listen(0, '127.0.0.1');
  const headers = { 'content-type': 'application/merge-patch+json' };
  return {
    port,
    async write(topic, n, ts) {
      const outcome = await syncline.execute({ method: 'PATCH', uri: `/items/${recordId(topic)}`, headers, body: { n, ts }, context });
      if (outcome.status !== 200) throw new Error(`PATCH answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
    },
    close: () => syncline.close(),
  };
}
