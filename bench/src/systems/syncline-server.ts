import { join } from 'node:path';
import { defineResource, type RequestContext } from '@syncline/schema';
import { createSyncline, loadConfig, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { z } from 'zod';
import { PAYLOAD, recordId, type ServerAdapter, type ServerOptions } from '../common.js';

export const items = defineResource({
  name: 'items',
  schema: z.object({ topic: z.number().int(), n: z.number().int(), ts: z.number(), payload: z.string() }),
});

/**
 * Syncline as an application would run it: one resource on SQLite (WAL, `synchronous`
 * NORMAL like the others), limits from the environment (the orchestrator raises the
 * per-connection and per-address ones). A write is a PATCH through the same pipeline as
 * HTTP and socket requests; the change feed then fans it out.
 */
export async function startServer(options: ServerOptions): Promise<ServerAdapter> {
  const config = loadConfig(process.env);
  const syncline = await createSyncline({
    resources: [items],
    storage: createSqliteStorage({ filename: join(options.dir, 'syncline.db'), synchronous: 'NORMAL' }),
    limits: config.limits,
    // A load process that ends resets its sockets: not worth a stack trace each.
    onError: (error, where) => {
      if ((error as { code?: string }).code !== 'ECONNRESET') console.error(`[syncline] ${where}:`, error);
    },
  });
  return serveItems(syncline, options.records, { transport: 'http' }, () => ({}));
}

/**
 * Seeds one record per topic (with `extra` fields), listens, and writes with PATCH through
 * the pipeline as `context`: shared by the Syncline systems of the benchmark.
 */
export async function serveItems(syncline: Syncline, records: number, context: RequestContext, extra: () => Record<string, unknown>): Promise<ServerAdapter> {
  for (let topic = 0; topic < records; topic++) {
    const outcome = await syncline.execute({ method: 'PUT', uri: `/items/${recordId(topic)}`, headers: { 'content-type': 'application/json' }, body: { topic, n: 0, ts: 0, payload: PAYLOAD, ...extra() }, context });
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
