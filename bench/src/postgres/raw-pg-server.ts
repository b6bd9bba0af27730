import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadPgDriver } from '@syncline/server/postgres';
import { seedRecord, type PgServer, type PgServerOptions } from './pg-options.js';
import { answerRecord, patchRoute } from '../systems/raw-patch-route.js';

/**
 * The hand-written baseline on PostgreSQL: node `http` and a `pg` pool (10 connections,
 * as Syncline's default). A PATCH runs, in one READ COMMITTED transaction, `SELECT … FOR
 * UPDATE` of the row, the merged `UPDATE`, and an `INSERT` into a change log keyed by an
 * ordinary sequence (no global order: transactions commit concurrently).
 */
export async function startRawPgServer(options: PgServerOptions): Promise<PgServer> {
  const pg = await loadPgDriver();
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 10, options: `-c search_path=${options.schema}`, types: pg.types });
  pool.on('error', (error) => console.error('[raw pg] pool:', error));
  if (options.seed) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await pool.query('CREATE TABLE items (id text PRIMARY KEY, version bigint NOT NULL, data jsonb NOT NULL)');
    await pool.query('CREATE TABLE changes (seq bigserial PRIMARY KEY, id text NOT NULL, version bigint NOT NULL, data jsonb NOT NULL, at text NOT NULL)');
    for (let index = 0; index < options.records; index++) {
      const record = seedRecord(index);
      await pool.query('INSERT INTO items (id, version, data) VALUES ($1, 1, $2)', [record.id, JSON.stringify(record)]);
    }
  }

  async function patch(id: string, changes: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN', []);
      try {
        const { rows } = await client.query('SELECT version, data FROM items WHERE id = $1 FOR UPDATE', [id]);
        const row = rows[0] as { version: string; data: Record<string, unknown> } | undefined;
        if (!row) {
          await client.query('ROLLBACK', []);
          return undefined;
        }
        const version = Number(row.version) + 1;
        const next = { ...row.data, ...changes, id, version };
        const json = JSON.stringify(next);
        await client.query('UPDATE items SET version = $2, data = $3 WHERE id = $1', [id, version, json]);
        await client.query('INSERT INTO changes (id, version, data, at) VALUES ($1, $2, $3, $4)', [id, version, json, new Date().toISOString()]);
        await client.query('COMMIT', []);
        return next;
      } catch (error) {
        await client.query('ROLLBACK', []).catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  const server = createServer(
    patchRoute((id, body, res) => {
      patch(id, body).then(
        (record) => answerRecord(res, record),
        (error: unknown) => {
          console.error('[raw pg] write:', error);
          res.writeHead(500).end();
        },
      );
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
