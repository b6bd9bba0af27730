/**
 * `npm run bench [-- --quick] [--systems=a,b] [--scenarios=fanout,filtered,http,postgres] [--profile]`
 *
 * `postgres` (bench/src/postgres/) needs PostgreSQL (`BENCH_POSTGRES_URL`, default
 * postgres://postgres@127.0.0.1:5432/test) and Redis (`REDIS_URL`, default 127.0.0.1:6379).
 *
 * For each scenario and each system: fork a server process and a separate load process
 * (127.0.0.1 only, free ports), drive them over IPC, collect the numbers, stop both. Prints
 * one Markdown table per scenario with every system side by side and Syncline's ratio to
 * each, and writes everything to bench/results/latest.json (latest-quick.json with
 * --quick, latest-partial.json when systems or scenarios are chosen or --profile is given).
 * Exits 1 when any system delivered fewer (or more) events than expected.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './child.js';
import { postgresTable, runPostgresScenario } from './postgres/pg-scenario.js';
import { expectedEvents, sleep, SYSTEM_LABELS, SYSTEMS, type LatencySummary, type LoadCommand, type LoadReply, type ServerCommand, type ServerReply, type SystemName } from './common.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag('quick');
const profile = flag('profile');
const systems = (option('systems')?.split(',') ?? [...SYSTEMS]) as SystemName[];
const scenarios = option('scenarios')?.split(',') ?? ['fanout', 'filtered', 'http', 'postgres'];
for (const system of systems) if (!SYSTEMS.includes(system)) throw new Error(`unknown system ${system} (one of ${SYSTEMS.join(', ')})`);

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const profileDir = join(resultsDir, 'profiles');
const workDir = mkdtempSync(join(tmpdir(), 'syncline-bench-'));
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));

/** Raised so that the limits a production server needs do not get in a benchmark's way (unknown names are ignored). */
const SERVER_ENV: NodeJS.ProcessEnv = {
  SYNCLINE_MAX_CONNECTIONS: '100000',
  SYNCLINE_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  SYNCLINE_MAX_MESSAGES_PER_SECOND: '100000',
  SYNCLINE_MESSAGE_BURST: '100000',
  SYNCLINE_MAX_BUFFERED_BYTES: String(64 * 1024 * 1024),
  SYNCLINE_MAX_SUBSCRIPTIONS_PER_ADDRESS: '1000000',
  SYNCLINE_MAX_SUBSCRIPTION_BYTES_PER_ADDRESS: String(1024 * 1024 * 1024),
  SYNCLINE_MAX_SUBSCRIPTIONS_PER_USER: '1000000',
  SYNCLINE_MAX_SUBSCRIPTION_BYTES_PER_USER: String(1024 * 1024 * 1024),
  SYNCLINE_RECONCILE_ENTRIES_PER_SECOND: '10000000',
  SYNCLINE_RECONCILE_ENTRY_BURST: '10000000',
  BENCH_PROCESS_LIMIT_MS: '300000',
};

interface FanoutConfig {
  readonly name: string;
  readonly subscribers: number;
  /** 0: every subscriber follows the whole collection; otherwise filtered collections, subscriber i on topic i % topics. */
  readonly topics: number;
  readonly rate: { readonly writes: number; readonly perSecond: number };
  readonly burst: { readonly writes: number };
}

interface BurstResult {
  expected: number;
  received: number;
  latency: LatencySummary;
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  writeMs: number;
}

interface FanoutResult {
  system: SystemName;
  config: FanoutConfig;
  connected: number;
  connectFailures: number;
  connectMs: number;
  rssPerConnection: number;
  heapPerConnection: number;
  rate: { expected: number; received: number; latency: LatencySummary };
  /** The median of the bursts (CPU per event and events/s each their own median; `received` the fewest). */
  burst: BurstResult;
  bursts: BurstResult[];
  error?: string;
}

interface HttpResult {
  system: SystemName;
  concurrency: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  cpuMicrosPerRequest: number;
  error?: string;
}

const FANOUTS: FanoutConfig[] = quick
  ? [{ name: 'fan-out', subscribers: 50, topics: 0, rate: { writes: 10, perSecond: 10 }, burst: { writes: 100 } }]
  : [
      // The fixed rate offers 10,000 events/s: well below saturation for every system, so latency is not queueing.
      { name: 'fan-out', subscribers: 1000, topics: 0, rate: { writes: 50, perSecond: 10 }, burst: { writes: 300 } },
      { name: 'fan-out', subscribers: 5000, topics: 0, rate: { writes: 20, perSecond: 2 }, burst: { writes: 60 } },
    ];
const FILTERED: FanoutConfig[] = quick
  ? [{ name: 'filtered fan-out', subscribers: 100, topics: 10, rate: { writes: 20, perSecond: 20 }, burst: { writes: 100 } }]
  : [{ name: 'filtered fan-out', subscribers: 5000, topics: 100, rate: { writes: 300, perSecond: 100 }, burst: { writes: 2000 } }];
/** Bursts per system and scenario; the tables show the median. */
const BURST_RUNS = quick ? 1 : 3;
const HTTP = quick ? { concurrency: 8, durationMs: 1000 } : { concurrency: 16, durationMs: 5000 };
const HTTP_SYSTEMS: SystemName[] = ['syncline', 'raw'];

type Server = Child<ServerCommand, ServerReply>;
type Load = Child<LoadCommand, LoadReply>;

async function startServer(system: SystemName, records: number, label: string): Promise<{ server: Server; url: string }> {
  const dir = mkdtempSync(join(workDir, `${system}-`));
  const execArgv: string[] = [];
  if (profile && system === 'syncline') {
    mkdirSync(profileDir, { recursive: true });
    // One profile per thread (tsx's loader runs in a worker); the main thread's name has thread id 0.
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${label.replace(/[^a-z0-9-]+/gi, '-')}-${system}`)}`);
  }
  const server: Server = new Child(`${system} server`, './server.ts', [system, String(records), dir], { env: SERVER_ENV, execArgv });
  const { port } = await server.wait('listening', 60_000);
  return { server, url: `http://127.0.0.1:${port}` };
}

async function runFanout(system: SystemName, config: FanoutConfig): Promise<FanoutResult> {
  const result: FanoutResult = {
    system,
    config,
    connected: 0,
    connectFailures: 0,
    connectMs: 0,
    rssPerConnection: Number.NaN,
    heapPerConnection: Number.NaN,
    rate: { expected: expectedEvents(config.subscribers, config.topics, 0, config.rate.writes), received: 0, latency: { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN } },
    burst: { expected: expectedEvents(config.subscribers, config.topics, config.rate.writes, config.burst.writes), received: 0, latency: { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN }, eventsPerSecond: Number.NaN, cpuMicrosPerEvent: Number.NaN, writeMs: Number.NaN },
    bursts: [],
  };
  const { server, url } = await startServer(system, Math.max(1, config.topics), `${config.name}-${config.subscribers}`);
  const load: Load = new Child(`${system} load`, './load.ts', [], { env: { BENCH_PROCESS_LIMIT_MS: SERVER_ENV.BENCH_PROCESS_LIMIT_MS } });
  try {
    const before = await server.ask({ type: 'mem' }, 'mem', 30_000);
    const connected = await load.ask({ type: 'connect', system, url, subscribers: config.subscribers, topics: config.topics }, 'connected', 180_000);
    result.connectMs = connected.ms;
    result.connectFailures = connected.failed;
    result.connected = config.subscribers - connected.failed;
    if (connected.firstError) console.error(`  ${system}: ${connected.failed} connections failed, first: ${connected.firstError}`);
    await sleep(500);
    const after = await server.ask({ type: 'mem' }, 'mem', 30_000);
    result.rssPerConnection = (after.rss - before.rss) / Math.max(1, result.connected);
    result.heapPerConnection = (after.heapUsed - before.heapUsed) / Math.max(1, result.connected);

    // Fixed rate: latency well below saturation.
    const rateTimeout = (config.rate.writes / config.rate.perSecond) * 1000 + 30_000;
    await load.ask({ type: 'expect', count: result.rate.expected, idleMs: 3000, timeoutMs: rateTimeout }, 'armed', 10_000);
    const rateReceived = load.wait('received', rateTimeout + 10_000);
    rateReceived.catch(() => undefined); // awaited below; a load process that dies meanwhile must not crash the run
    await server.ask({ type: 'rate', first: 0, writes: config.rate.writes, perSecond: config.rate.perSecond, topics: config.topics }, 'written', rateTimeout);
    const rate = await rateReceived;
    result.rate.received = rate.received;
    result.rate.latency = rate.latency;

    // Bursts: back-to-back writes; delivered events per second and server CPU per delivered
    // event. Repeated, and the median run reported, because other work on the machine skews single runs.
    const burstTimeout = 180_000;
    for (let run = 0; run < BURST_RUNS; run++) {
      const first = config.rate.writes + run * config.burst.writes;
      const expected = expectedEvents(config.subscribers, config.topics, first, config.burst.writes);
      await load.ask({ type: 'expect', count: expected, idleMs: 5000, timeoutMs: burstTimeout }, 'armed', 10_000);
      const burstReceived = load.wait('received', burstTimeout + 10_000);
      burstReceived.catch(() => undefined); // awaited below
      const written = await server.ask({ type: 'burst', first, writes: config.burst.writes, topics: config.topics }, 'written', burstTimeout);
      const burst = await burstReceived;
      // The server's CPU from the burst's start until now (it is idle once the last event is out).
      const cpu = await server.ask({ type: 'cpu' }, 'cpu', 10_000);
      result.bursts.push({
        expected,
        received: burst.received,
        latency: burst.latency,
        writeMs: written.ms,
        eventsPerSecond: burst.received / ((burst.lastReceiveTs - burst.firstWriteTs) / 1000),
        cpuMicrosPerEvent: (cpu.userMicros + cpu.systemMicros) / Math.max(1, burst.received),
      });
    }
    const byCpu = [...result.bursts].sort((a, b) => a.cpuMicrosPerEvent - b.cpuMicrosPerEvent);
    const byRate = [...result.bursts].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    const median = Math.floor(result.bursts.length / 2);
    const fewest = [...result.bursts].sort((a, b) => a.received - a.expected - (b.received - b.expected))[0];
    if (byCpu[median] && byRate[median] && fewest) result.burst = { ...byCpu[median], eventsPerSecond: byRate[median].eventsPerSecond, received: fewest.received, expected: fewest.expected };
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    console.error(`  ${system}: ${result.error}`);
  } finally {
    await Promise.all([load.stop({ type: 'exit' }), server.stop({ type: 'exit' })]);
  }
  return result;
}

async function runHttp(system: SystemName): Promise<HttpResult> {
  const result: HttpResult = { system, concurrency: HTTP.concurrency, requests: 0, errors: 0, requestsPerSecond: Number.NaN, latency: { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN }, cpuMicrosPerRequest: Number.NaN };
  const { server, url } = await startServer(system, HTTP.concurrency, 'http');
  const load: Load = new Child(`${system} load`, './load.ts', [], { env: { BENCH_PROCESS_LIMIT_MS: SERVER_ENV.BENCH_PROCESS_LIMIT_MS } });
  try {
    // A short warm-up, so that both servers are measured with their code optimized.
    await load.ask({ type: 'http', url, records: HTTP.concurrency, concurrency: HTTP.concurrency, durationMs: Math.min(1000, HTTP.durationMs) }, 'http', 60_000);
    await server.ask({ type: 'mark' }, 'marked', 10_000);
    const report = await load.ask({ type: 'http', url, records: HTTP.concurrency, concurrency: HTTP.concurrency, durationMs: HTTP.durationMs }, 'http', HTTP.durationMs + 60_000);
    const cpu = await server.ask({ type: 'cpu' }, 'cpu', 10_000);
    result.requests = report.requests;
    result.errors = report.errors;
    result.requestsPerSecond = report.requests / (report.durationMs / 1000);
    result.latency = report.latency;
    result.cpuMicrosPerRequest = (cpu.userMicros + cpu.systemMicros) / Math.max(1, report.requests);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    console.error(`  ${system}: ${result.error}`);
  } finally {
    await Promise.all([load.stop({ type: 'exit' }), server.stop({ type: 'exit' })]);
  }
  return result;
}

// ---- tables ----

const others = systems.filter((system) => system !== 'syncline');
const hasSyncline = systems.includes('syncline');

function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

/** Syncline's value divided by another's, written as a ratio (`1.25×`). */
function ratio(syncline: number, other: number): string {
  return Number.isFinite(syncline) && Number.isFinite(other) && other !== 0 ? `${(syncline / other).toFixed(2)}×` : '–';
}

interface Row<R> {
  readonly label: string;
  readonly value: (result: R) => number;
  readonly digits?: number;
  readonly text?: (result: R) => string;
  /** Whether a higher value is better (shown beside the ratio column's heading). */
  readonly ratio?: boolean;
}

function table<R extends { system: SystemName }>(title: string, results: R[], rows: Row<R>[], columns: SystemName[] = systems): string {
  const present = columns.filter((system) => results.some((result) => result.system === system));
  const ratioColumns = present.includes('syncline') ? present.filter((system) => system !== 'syncline') : [];
  const head = ['', ...present.map((system) => SYSTEM_LABELS[system]), ...ratioColumns.map((system) => `Syncline ÷ ${SYSTEM_LABELS[system].split(' (')[0]}`)];
  const lines = [`### ${title}`, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    const of = (system: SystemName): R | undefined => results.find((result) => result.system === system);
    const cells = present.map((system) => {
      const result = of(system);
      if (!result) return '–';
      return row.text ? row.text(result) : fmt(row.value(result), row.digits);
    });
    const syncline = of('syncline');
    const ratios = ratioColumns.map((system) => {
      const other = of(system);
      return row.ratio === false || !syncline || !other ? '' : ratio(row.value(syncline), row.value(other));
    });
    lines.push(`| ${[row.label, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

const KIB = 1024;
function fanoutTable(config: FanoutConfig, results: FanoutResult[]): string {
  const rows: Row<FanoutResult>[] = [
    { label: 'subscribers connected', value: (r) => r.connected, ratio: false, text: (r) => `${r.connected} / ${r.config.subscribers}` },
    { label: `fixed rate (${config.rate.perSecond} writes/s): events delivered`, value: (r) => r.rate.received, ratio: false, text: (r) => `${r.rate.received.toLocaleString('en-US')} / ${r.rate.expected.toLocaleString('en-US')}` },
    { label: 'latency p50 (ms)', value: (r) => r.rate.latency.p50, digits: 2 },
    { label: 'latency p99 (ms)', value: (r) => r.rate.latency.p99, digits: 2 },
    { label: 'latency max (ms)', value: (r) => r.rate.latency.max, digits: 2 },
    { label: `burst (${config.burst.writes} writes${BURST_RUNS > 1 ? `, median of ${BURST_RUNS}` : ''}): events delivered`, value: (r) => r.burst.received, ratio: false, text: (r) => `${r.burst.received.toLocaleString('en-US')} / ${r.burst.expected.toLocaleString('en-US')}` },
    { label: 'delivered events/s at saturation', value: (r) => r.burst.eventsPerSecond, digits: 0 },
    { label: 'server CPU per delivered event (µs)', value: (r) => r.burst.cpuMicrosPerEvent, digits: 2 },
    { label: 'burst latency p99 (ms)', value: (r) => r.burst.latency.p99, digits: 0 },
    { label: 'server RSS per connection (KiB)', value: (r) => r.rssPerConnection / KIB, digits: 1 },
    { label: 'server heap per connection (KiB)', value: (r) => r.heapPerConnection / KIB, digits: 1 },
  ];
  const shape = config.topics === 0 ? 'one collection' : `${config.topics} filtered collections, ~${(100 / config.topics).toFixed(0)}% per write`;
  return table(`${config.name}: ${config.subscribers.toLocaleString('en-US')} subscribers, ${shape}`, results, rows);
}

function idleTable(results: FanoutResult[]): string {
  const rows: Row<FanoutResult>[] = [
    { label: 'server RSS per idle subscribed connection (KiB)', value: (r) => r.rssPerConnection / KIB, digits: 1 },
    { label: 'server heap per idle subscribed connection (KiB)', value: (r) => r.heapPerConnection / KIB, digits: 1 },
    { label: 'time to connect and subscribe all (s)', value: (r) => r.connectMs / 1000, digits: 1 },
  ];
  const n = results[0]?.config.subscribers ?? 0;
  return table(`idle connections: ${n.toLocaleString('en-US')} subscribed, before any write`, results, rows);
}

function httpTable(results: HttpResult[]): string {
  const rows: Row<HttpResult>[] = [
    { label: 'PATCH requests/s', value: (r) => r.requestsPerSecond, digits: 0 },
    { label: 'latency p50 (ms)', value: (r) => r.latency.p50, digits: 2 },
    { label: 'latency p99 (ms)', value: (r) => r.latency.p99, digits: 2 },
    { label: 'server CPU per request (µs)', value: (r) => r.cpuMicrosPerRequest, digits: 0 },
    { label: 'errors', value: (r) => r.errors, ratio: false, digits: 0 },
  ];
  return table(`HTTP writes: PATCH on SQLite, ${HTTP.concurrency} concurrent keep-alive clients, ${HTTP.durationMs / 1000} s`, results, rows, HTTP_SYSTEMS);
}

// ---- the run ----

const started = Date.now();
const output: string[] = [];
const json: Record<string, unknown> = { mode: quick ? 'quick' : 'full', started: new Date(started).toISOString(), node: process.version, systems, scenarios: {} };
const failures: string[] = [];
const print = (text: string): void => {
  output.push(text);
  console.log(`\n${text}\n`);
};

function check(results: FanoutResult[]): void {
  for (const r of results) {
    const name = `${r.config.name} ${r.config.subscribers} ${r.system}`;
    if (r.error) failures.push(`${name}: ${r.error}`);
    if (r.connected < r.config.subscribers) failures.push(`${name}: ${r.connected} of ${r.config.subscribers} subscribers connected`);
    if (r.rate.received < r.rate.expected) failures.push(`${name}: fixed rate delivered ${r.rate.received} of ${r.rate.expected} events`);
    if (r.bursts.length < BURST_RUNS) failures.push(`${name}: ${r.bursts.length} of ${BURST_RUNS} bursts ran`);
    for (const burst of r.bursts) {
      if (burst.received < burst.expected) failures.push(`${name}: a burst delivered ${burst.received} of ${burst.expected} events`);
      if (burst.received > burst.expected) failures.push(`${name}: a burst delivered more events than expected (duplicates)`);
    }
    if (r.rate.received > r.rate.expected) failures.push(`${name}: more events than expected at the fixed rate (duplicates)`);
  }
}

const scenarioResults = json.scenarios as Record<string, unknown>;
let idle: FanoutResult[] | undefined;
for (const config of [...(scenarios.includes('fanout') ? FANOUTS : []), ...(scenarios.includes('filtered') ? FILTERED : [])]) {
  const results: FanoutResult[] = [];
  for (const system of systems) {
    console.log(`${config.name}, ${config.subscribers} subscribers: ${SYSTEM_LABELS[system]}…`);
    results.push(await runFanout(system, config));
  }
  check(results);
  scenarioResults[`${config.name} ${config.subscribers}`] = results;
  print(fanoutTable(config, results));
  if (config.topics === 0) idle = results;
}
if (idle) print(idleTable(idle));
if (scenarios.includes('http')) {
  const results: HttpResult[] = [];
  for (const system of HTTP_SYSTEMS.filter((s) => systems.includes(s))) {
    console.log(`HTTP writes: ${SYSTEM_LABELS[system]}…`);
    results.push(await runHttp(system));
  }
  for (const r of results) if (r.error || r.requests === 0) failures.push(`HTTP writes ${r.system}: ${r.error ?? 'no request succeeded'}`);
  scenarioResults['http writes'] = results;
  print(httpTable(results));
}

if (scenarios.includes('postgres')) {
  const results = await runPostgresScenario(quick, SERVER_ENV);
  for (const r of results) if (r.error || r.writes === 0) failures.push(`PostgreSQL writes ${r.system} ×${r.concurrency}: ${r.error ?? 'no write succeeded'}`);
  scenarioResults['postgres writes'] = results;
  print(postgresTable(results));
}

json.seconds = (Date.now() - started) / 1000;
json.failures = failures;
json.markdown = output.join('\n\n');
mkdirSync(resultsDir, { recursive: true });
// A run of some systems or scenarios, or a profiled one, does not replace the last full run's results.
const partial = option('systems') !== undefined || option('scenarios') !== undefined || profile;
const file = join(resultsDir, quick ? 'latest-quick.json' : partial ? 'latest-partial.json' : 'latest.json');
writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
console.log(`Results: ${file} (${json.seconds as number} s)`);
if (!hasSyncline || others.length === 0) console.log('(ratios need Syncline and at least one other system)');
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
