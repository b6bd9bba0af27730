import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../support/live-client.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';
import { REDIS_URL, redisReachable, uniqueChannel } from '../support/redis.js';

// Two server PROCESSES on one PostgreSQL schema and one Redis channel: what "many
// processes behave as one" means, with nothing shared in memory.
const reachable = (await postgresReachable()) && (await redisReachable());
const NODE_SCRIPT = fileURLToPath(new URL('../support/cluster-node.ts', import.meta.url));

interface Node {
  readonly port: number;
  readonly child: ChildProcess;
  readonly stderr: string[];
}

const children: ChildProcess[] = [];
const schemas: string[] = [];

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

afterAll(async () => {
  await Promise.all(children.splice(0).map((child) => stop(child)));
  if (reachable) await dropSchemas(schemas.splice(0));
});

/** Starts one server process and waits for the port it prints. */
async function startNode(schema: string, channel: string): Promise<Node> {
  const child = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', NODE_SCRIPT], {
    env: { ...process.env, SYNCLINE_SCHEMA: schema, SYNCLINE_CHANNEL: channel, DATABASE_URL_POSTGRES: POSTGRES_URL, REDIS_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster node did not start in 20 s: ${stderr.join('')}`)), 20_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const { port } = JSON.parse(line) as { port: number };
        clearTimeout(timer);
        resolve(port);
      } catch {
        // Not the port line.
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cluster node exited (${code ?? signal}) before listening: ${stderr.join('')}`));
    });
  });
  return { port, child, stderr };
}

async function post(port: number, path: string, body: unknown): Promise<{ status: number; body: any; etag: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), etag: response.headers.get('etag') };
}

async function get(port: number, path: string): Promise<{ status: number; body: any; etag: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.json(), etag: response.headers.get('etag') };
}

describe.skipIf(!reachable)('two server processes on PostgreSQL and Redis', { timeout: 60_000 }, () => {
  const schema = uniqueSchema('syncline_procs');
  const channel = uniqueChannel();
  schemas.push(schema);
  let a: Node;
  let b: Node;

  // Each its own process, pool and Redis connections, as two machines would have.
  beforeAll(async () => {
    [a, b] = await Promise.all([startNode(schema, channel), startNode(schema, channel)]);
  }, 45_000);

  it('a subscriber on process B sees a write made through process A', async () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    await using onB = await LiveClient.connect(b.port);
    await onB.request('SUBSCRIBE', '/lists', { id: 'b' });
    const created = await post(a.port, '/lists', { title: 'from A' });
    expect(created.status).toBe(201);
    const [event] = await onB.eventsFor('b', 1);
    expect(event).toMatchObject({ op: 'enter', seq: created.body.version, body: { title: 'from A' } });
  });

  it('a client that resumes on the other process has no gap and no duplicate', async () => {
    const onA = await LiveClient.connect(a.port);
    await onA.request('SUBSCRIBE', '/lists', { id: 's' });
    const first = await post(a.port, '/lists', { title: '1' });
    const [seen] = (await onA.eventsFor('s', 1)).filter((event) => event['seq'] === first.body.version);
    expect(seen).toBeDefined();
    await onA[Symbol.asyncDispose]();
    const missed = [await post(b.port, '/lists', { title: '2' }), await post(a.port, '/lists', { title: '3' })];
    await using onB = await LiveClient.connect(b.port);
    const resumed = await onB.request('SUBSCRIBE', '/lists', { id: 's', headers: { 'last-event-id': String(seen?.['seq']) } });
    expect(resumed['headers']?.['syncline-resume']).toBe('resumed');
    const last = await post(a.port, '/lists', { title: '4' });
    const events = await onB.eventsFor('s', 3);
    expect(events.map((event) => event['body'].title)).toEqual(['2', '3', '4']);
    expect(events.map((event) => event['seq'])).toEqual([...missed, last].map((write) => write.body.version));
    // Nothing more comes (no duplicate): a later write is the very next event.
    const after = await post(b.port, '/lists', { title: '5' });
    const more = await onB.eventsFor('s', 4);
    expect(more.map((event) => event['seq'])).toEqual([...missed, last, after].map((write) => write.body.version));
  });

  it('a psql write reaches subscribers on both processes, and both answer its ETag', async () => {
    await using onA = await LiveClient.connect(a.port);
    await using onB = await LiveClient.connect(b.port);
    await onA.request('SUBSCRIBE', '/lists', { id: 'psql' });
    await onB.request('SUBSCRIBE', '/lists', { id: 'psql' });
    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    await raw.connect();
    try {
      await raw.query(`SET search_path = "${schema}"`);
      const started = Date.now();
      const { rows } = await raw.query<{ id: string; version: string }>(`INSERT INTO lists (title) VALUES ('from psql') RETURNING id, version`);
      const id = rows[0]!.id;
      const version = Number(rows[0]!.version);
      await raw.query(`UPDATE lists SET title = 'edited in psql' WHERE id = $1`, [id]);
      const [eventsA, eventsB] = await Promise.all([onA.eventsFor('psql', 2, 1000), onB.eventsFor('psql', 2, 1000)]);
      const elapsed = Date.now() - started;
      for (const events of [eventsA, eventsB]) {
        expect(events.map((event) => [event['op'], event['seq'], event['body']?.title])).toEqual([
          ['enter', version, 'from psql'],
          ['update', version + 1, 'edited in psql'],
        ]);
      }
      expect(elapsed).toBeLessThan(1000);
      for (const node of [a, b]) {
        const got = await get(node.port, `/lists/${id}`);
        expect(got.etag).toBe(`"${version + 1}"`);
        expect(got.body).toMatchObject({ title: 'edited in psql', version: version + 1 });
      }
      await raw.query(`DELETE FROM lists WHERE id = $1`, [id]);
      const [leftA, leftB] = await Promise.all([onA.eventsFor('psql', 3, 1000), onB.eventsFor('psql', 3, 1000)]);
      expect(leftA[2]).toMatchObject({ op: 'leave', seq: version + 2 });
      expect(leftB[2]).toMatchObject({ op: 'leave', seq: version + 2 });
    } finally {
      await raw.end();
    }
  });

  it('stop cleanly on SIGTERM', async () => {
    await Promise.all([stop(a.child), stop(b.child)]);
    expect(a.child.exitCode).toBe(0);
    expect(b.child.exitCode).toBe(0);
    // No error reported by either process (cluster-node.ts prefixes its reports).
    expect(`${a.stderr.join('')}${b.stderr.join('')}`).not.toContain('[cluster-node');
  });
});
