/**
 * The PostgreSQL write scenario of `npm run bench` (`--scenarios=postgres`): 1, 16 and 64
 * concurrent HTTP writers (each PATCHing a record of its own, back to back, over keep-alive
 * connections) against one Syncline process, two Syncline processes sharing Redis
 * (`REDIS_URL`, default 127.0.0.1:6379; writers alternate between them), and a hand-written
 * `pg` server running the same SQL with an ordinary sequence. Each run gets a fresh schema.
 * A subscriber on the last Syncline process (the other one, with two) follows `/items`
 * and measures the time from each write's acknowledgement to its event.
 */
import { Agent, request } from 'node:http';
import { loadPgDriver } from '@syncline/server/postgres';
import { Child } from '../child.js';
import { now, recordId, sleep, summarize, type LatencySummary } from '../common.js';
import { connectClient } from '../systems/syncline-client.js';

export type PgSystem = 'syncline-1' | 'syncline-2' | 'raw-pg';
export const PG_SYSTEM_LABELS: Record<PgSystem, string> = {
  'syncline-1': 'Syncline, 1 process',
  'syncline-2': 'Syncline, 2 processes + Redis',
  'raw-pg': 'hand-written (http + pg)',
};

export interface PgWriteResult {
  system: PgSystem;
  concurrency: number;
  writes: number;
  errors: number;
  writesPerSecond: number;
  latency: LatencySummary;
  /** Write acknowledged → its event at the subscriber (Syncline only). */
  ackToEvent: LatencySummary;
  error?: string;
}

type ServerChild = Child<{ type: 'exit' }, { type: 'listening'; port: number }>;

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function patch(agent: Agent, port: number, id: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'PATCH', path: `/items/${id}`, agent, headers: { 'content-type': 'application/merge-patch+json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function dropSchema(schema: string): Promise<void> {
  const pg = await loadPgDriver();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: '', types: pg.types });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

async function runOne(system: PgSystem, concurrency: number, durationMs: number, serverEnv: NodeJS.ProcessEnv): Promise<PgWriteResult> {
  const result: PgWriteResult = { system, concurrency, writes: 0, errors: 0, writesPerSecond: Number.NaN, latency: summarize(new Float64Array(0), 0), ackToEvent: summarize(new Float64Array(0), 0) };
  const schema = `bench_pg_${process.pid}_${system.replace('-', '_')}_${concurrency}`;
  await dropSchema(schema);
  const processes = system === 'syncline-2' ? 2 : 1;
  const kind = system === 'raw-pg' ? 'raw' : 'syncline';
  const env = { ...serverEnv, BENCH_POSTGRES_URL: POSTGRES_URL, ...(processes === 2 ? { REDIS_URL } : { REDIS_URL: '' }) };
  const servers: ServerChild[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const acked = new Map<string, number>();
  const evented = new Map<string, number>();
  const eventSamples = new Float64Array(2_000_000);
  let eventCount = 0;
  let subscriber: { close(): void } | undefined;
  try {
    const ports: number[] = [];
    for (let index = 0; index < processes; index++) {
      const server: ServerChild = new Child(`${system} server ${index}`, './postgres/pg-process.ts', [kind, schema, String(concurrency), index === 0 ? '1' : '0'], { env });
      servers.push(server);
      ports.push((await server.wait('listening', 60_000)).port);
    }
    /** Pairs a write's acknowledgement with its event, whichever comes first: the sample is event time − ack time. */
    const record = (key: string, at: number, side: 'ack' | 'event'): void => {
      const [mine, theirs] = side === 'ack' ? [acked, evented] : [evented, acked];
      const other = theirs.get(key);
      if (other === undefined) return void mine.set(key, at);
      theirs.delete(key);
      if (eventCount < eventSamples.length) eventSamples[eventCount++] = side === 'event' ? at - other : other - at;
    };
    const lastPort = ports[ports.length - 1];
    if (kind === 'syncline' && lastPort !== undefined) {
      // ts carries the writer and its write's number: the event names the write it reports.
      subscriber = await connectClient(`http://127.0.0.1:${lastPort}`, null, (ts) => record(String(ts), now(), 'event'));
    }
    let measuring = false;
    let deadline = 0;
    const latencies = new Float64Array(4_000_000);
    let latencyCount = 0;
    const writer = async (index: number): Promise<void> => {
      const port = ports[index % ports.length] as number;
      for (let n = 1; now() < deadline; n++) {
        const key = index * 1_000_000_000 + n;
        const started = now();
        try {
          const status = await patch(agent, port, recordId(index), JSON.stringify({ n, ts: key }));
          const done = now();
          if (status !== 200) {
            if (measuring) result.errors++;
            continue;
          }
          if (kind === 'syncline') record(String(key), done, 'ack');
          if (!measuring) continue;
          result.writes++;
          if (latencyCount < latencies.length) latencies[latencyCount++] = done - started;
        } catch {
          if (measuring) result.errors++;
        }
      }
    };
    const runWriters = async (ms: number): Promise<number> => {
      const start = now();
      deadline = start + ms;
      await Promise.all(Array.from({ length: concurrency }, (_, index) => writer(index)));
      return now() - start;
    };
    await runWriters(Math.min(1000, durationMs)); // warm-up
    await sleep(200);
    acked.clear();
    evented.clear();
    eventCount = 0;
    measuring = true;
    const elapsed = await runWriters(durationMs);
    measuring = false;
    await sleep(500); // the last events
    result.writesPerSecond = result.writes / (elapsed / 1000);
    result.latency = summarize(latencies, latencyCount);
    if (kind === 'syncline') result.ackToEvent = summarize(eventSamples, eventCount);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    console.error(`  ${system} ×${concurrency}: ${result.error}`);
  } finally {
    subscriber?.close();
    agent.destroy();
    await Promise.all(servers.map((server) => server.stop({ type: 'exit' })));
    await dropSchema(schema).catch(() => undefined);
  }
  return result;
}

/** Every system at every concurrency, one after another. */
export async function runPostgresScenario(quick: boolean, serverEnv: NodeJS.ProcessEnv): Promise<PgWriteResult[]> {
  const concurrencies = [1, 16, 64];
  const durationMs = quick ? 1500 : 5000;
  const results: PgWriteResult[] = [];
  for (const concurrency of concurrencies) {
    for (const system of ['syncline-1', 'syncline-2', 'raw-pg'] as const) {
      console.log(`PostgreSQL writes, ${concurrency} writers: ${PG_SYSTEM_LABELS[system]}…`);
      results.push(await runOne(system, concurrency, durationMs, serverEnv));
    }
  }
  return results;
}

function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

/** One Markdown table: a row per concurrency and system, Syncline's writes/s beside the hand-written server's. */
export function postgresTable(results: readonly PgWriteResult[]): string {
  const lines = [
    '### PostgreSQL writes (HTTP PATCH)',
    '',
    '| writers | system | writes/s | ÷ hand-written | p50 (ms) | p99 (ms) | ack → event p50 (ms) | ack → event p99 (ms) | errors |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const raw = results.find((other) => other.system === 'raw-pg' && other.concurrency === r.concurrency);
    const versus = r.system !== 'raw-pg' && raw && raw.writesPerSecond > 0 ? `${(r.writesPerSecond / raw.writesPerSecond).toFixed(2)}×` : '';
    lines.push(`| ${r.concurrency} | ${PG_SYSTEM_LABELS[r.system]} | ${fmt(r.writesPerSecond)} | ${versus} | ${fmt(r.latency.p50, 2)} | ${fmt(r.latency.p99, 2)} | ${fmt(r.ackToEvent.p50, 2)} | ${fmt(r.ackToEvent.p99, 2)} | ${r.errors} |`);
  }
  return lines.join('\n');
}
