import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { isStorageUnavailable } from '../../src/pipeline/error-outcome.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';

// Regression: a PostgreSQL restart ends every session with 57P01. A connection checked out
// inside a write transaction then emitted 'error' with no listener, which ended the process.
// Here only this test's own connections are ended (found by their application_name), never
// the shared server or anyone else's sessions.
const reachable = await postgresReachable();
const schemas: string[] = [];
afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

const notes = defineResource({ name: 'notes', schema: z.object({ text: z.string() }) });

describe.skipIf(!reachable)('a PostgreSQL connection ended inside a write transaction', () => {
  it('fails that write as unavailable, and the process and the storage carry on', async () => {
    const schema = uniqueSchema('syncline_loss');
    schemas.push(schema);
    const application = `syncline-loss-${randomBytes(4).toString('hex')}`;
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('application_name', application);
    const reported: Error[] = [];
    const storage = createPostgresStorage({ connectionString: url.toString(), schema, pool: 2, onError: (error) => reported.push(error) });
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await storage.migrate([notes]);
      const write = storage.write(async (tx) => {
        await tx.get('notes', '01a20900-0000-7000-8000-000000000000');
        // The session is idle inside this transaction when the server ends it (as a restart does).
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [application]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return tx.get('notes', '01a20900-0000-7000-8000-000000000000');
      });
      const error = await write.then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeDefined();
      expect(isStorageUnavailable(error)).toBe(true);
      expect(reported.some((reportedError) => (reportedError as { code?: string }).code === '57P01')).toBe(true);
      // The pool replaced the broken connection: the next write works.
      const head = await storage.read((tx) => tx.head());
      expect(head).toBeGreaterThanOrEqual(0);
    } finally {
      await admin.end();
      await storage.close();
    }
  });
});
