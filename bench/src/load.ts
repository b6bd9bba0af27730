/**
 * A bench load process: `node --conditions=@syncline/source --import tsx src/load.ts`. Opens the subscribers the
 * orchestrator asks for, counts the pushed events and their latency (receive time minus
 * the write time each event carries), and runs the HTTP write loops. Exits on `exit`,
 * when the orchestrator goes away, or after a hard time limit.
 */
import { Agent, request } from 'node:http';
import { now, recordId, sleep, summarize, topicOf, type ClientConnection, type ConnectClient, type LoadCommand, type LoadReply } from './common.js';

const LIFETIME_MS = Number(process.env.BENCH_PROCESS_LIMIT_MS ?? 600_000);
setTimeout(() => {
  console.error(`[bench load] still running after ${LIFETIME_MS} ms: exiting`);
  process.exit(3);
}, LIFETIME_MS).unref();
process.on('disconnect', () => process.exit(0));

const reply = (message: LoadReply): void => void process.send?.(message);
const CONNECT_CONCURRENCY = 100;

const connections: ClientConnection[] = [];
let samples = new Float64Array(0);
let received = 0;
let expected = 0;
let firstWriteTs = Number.POSITIVE_INFINITY;
let lastReceiveTs = 0;
let finish: (() => void) | undefined;

function onEvent(ts: number): void {
  const at = now();
  if (received < samples.length) samples[received] = at - ts;
  received++;
  if (ts < firstWriteTs) firstWriteTs = ts;
  lastReceiveTs = at;
  if (received >= expected) finish?.();
}

async function connectAll(connect: ConnectClient, url: string, subscribers: number, topics: number): Promise<{ failed: number; firstError?: string }> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < subscribers) {
      const index = next++;
      try {
        connections.push(await connect(url, topicOf(index, topics), onEvent));
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, subscribers) }, worker));
  return firstError === undefined ? { failed } : { failed, firstError };
}

/** Waits for `count` events; gives up `idleMs` after the last one (or `timeoutMs` in all). */
async function receive(count: number, idleMs: number, timeoutMs: number): Promise<void> {
  samples = new Float64Array(count);
  received = 0;
  expected = count;
  firstWriteTs = Number.POSITIVE_INFINITY;
  lastReceiveTs = 0;
  const started = now();
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  reply({ type: 'armed' });
  if (count > 0) {
    await Promise.race([
      done,
      (async () => {
        for (;;) {
          await sleep(100);
          const t = now();
          if (t - started > timeoutMs) return;
          if (received > 0 && t - lastReceiveTs > idleMs) return;
        }
      })(),
    ]);
  }
  finish = undefined;
  // Events that arrive later than the expected count would be extra deliveries: wait a moment to see them.
  await sleep(200);
  reply({ type: 'received', expected: count, received, latency: summarize(samples, Math.min(received, samples.length)), firstWriteTs, lastReceiveTs });
}

/** `concurrency` keep-alive clients each PATCHing its own record, back to back, for `durationMs`. */
async function httpWrites(url: string, records: number, concurrency: number, durationMs: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const patch = (id: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ n: ++n, ts: now() });
      const req = request({ agent, hostname, port, method: 'PATCH', path: `/items/${id}`, headers: { 'content-type': 'application/merge-patch+json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const start = now();
  const stopAt = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      const id = recordId(client % records);
      while (now() < stopAt) {
        const sent = now();
        try {
          const status = await patch(id);
          if (status === 200) latencies.push(now() - sent);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const durationMsMeasured = now() - start;
  agent.destroy();
  reply({ type: 'http', requests: latencies.length, errors, durationMs: durationMsMeasured, latency: summarize(Float64Array.from(latencies), latencies.length) });
}

process.on('message', (message: LoadCommand) => {
  void (async () => {
    try {
      switch (message.type) {
        case 'connect': {
          const { connectClient } = (await import(`./systems/${message.system}-client.ts`)) as { connectClient: ConnectClient };
          const start = now();
          const result = await connectAll(connectClient, message.url, message.subscribers, message.topics);
          return reply({ type: 'connected', ms: now() - start, ...result });
        }
        case 'expect':
          return await receive(message.count, message.idleMs, message.timeoutMs);
        case 'http':
          return await httpWrites(message.url, message.records, message.concurrency, message.durationMs);
        case 'exit':
          for (const connection of connections) connection.close();
          await sleep(100);
          process.exit(0);
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
