/**
 * A bench server process: `node --conditions=@syncline/source --import tsx src/server.ts <system> <records> <dir>`.
 * Starts the system's server on 127.0.0.1 (a free port), reports the port over IPC, then
 * runs the orchestrator's commands: measure memory, write at a fixed rate or as a burst,
 * report the process's CPU time since the last mark. Exits on `exit`, when the
 * orchestrator goes away, or after a hard time limit.
 */
import { now, sleep, SYSTEMS, writeTopic, type ServerAdapter, type ServerCommand, type ServerOptions, type ServerReply, type SystemName } from './common.js';

const LIFETIME_MS = Number(process.env.BENCH_PROCESS_LIMIT_MS ?? 600_000);
setTimeout(() => {
  console.error(`[bench server] still running after ${LIFETIME_MS} ms: exiting`);
  process.exit(3);
}, LIFETIME_MS).unref();
process.on('disconnect', () => process.exit(0));

const [system, records, dir] = process.argv.slice(2);
if (!SYSTEMS.includes(system as SystemName) || !records || !dir) {
  console.error('usage: server.ts <system> <records> <dir>');
  process.exit(2);
}
const reply = (message: ServerReply): void => void process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;

const options: ServerOptions = { records: Number(records), dir };
const { startServer } = (await import(`./systems/${system}-server.ts`)) as { startServer: (options: ServerOptions) => Promise<ServerAdapter> };
const adapter = await startServer(options);
let cpuMark = process.cpuUsage();
let timeMark = now();

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
}

/** Writes at `perSecond`, each at its scheduled time (so a slow write does not slow the rate). */
async function writeAtRate(first: number, writes: number, perSecond: number, topics: number): Promise<void> {
  const start = now();
  const pending: Array<void | Promise<void>> = [];
  for (let i = 0; i < writes; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const n = first + i;
    pending.push(adapter.write(writeTopic(n, topics), n, now()));
  }
  await Promise.all(pending);
}

/** Writes back to back, yielding to the event loop between writes so sockets are flushed as in a real server. */
async function writeBurst(first: number, writes: number, topics: number): Promise<void> {
  for (let i = 0; i < writes; i++) {
    const n = first + i;
    await adapter.write(writeTopic(n, topics), n, now());
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

process.on('message', (message: ServerCommand) => {
  void (async () => {
    try {
      switch (message.type) {
        case 'mem': {
          await collectGarbage();
          const usage = process.memoryUsage();
          return reply({ type: 'mem', rss: usage.rss, heapUsed: usage.heapUsed });
        }
        case 'mark':
          cpuMark = process.cpuUsage();
          timeMark = now();
          return reply({ type: 'marked' });
        case 'cpu': {
          const used = process.cpuUsage(cpuMark);
          return reply({ type: 'cpu', userMicros: used.user, systemMicros: used.system, ms: now() - timeMark });
        }
        case 'rate': {
          const start = now();
          await writeAtRate(message.first, message.writes, message.perSecond, message.topics);
          return reply({ type: 'written', ms: now() - start });
        }
        case 'burst': {
          cpuMark = process.cpuUsage();
          timeMark = now();
          await writeBurst(message.first, message.writes, message.topics);
          return reply({ type: 'written', ms: now() - timeMark });
        }
        case 'exit':
          await Promise.race([adapter.close(), sleep(2000)]);
          process.exit(0);
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});

reply({ type: 'listening', port: adapter.port });
