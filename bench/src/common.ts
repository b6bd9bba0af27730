/**
 * Shared by the three kinds of bench process (the orchestrator, a server, a load
 * generator): the systems, the record every write carries, the clock and the statistics.
 */

export const SYSTEMS = ['syncline', 'syncline-rules', 'raw', 'socketio', 'feathers'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const SYSTEM_LABELS: Record<SystemName, string> = {
  syncline: 'Syncline',
  'syncline-rules': 'Syncline, per-user read rule',
  raw: 'hand-written (http + ws + better-sqlite3)',
  socketio: 'Socket.IO 4',
  feathers: 'Feathers 5',
};

/** A wall-clock time in milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** ~150 bytes of filler, so that a record is about 200 bytes before each system adds its own fields. */
export const PAYLOAD = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis n';

/** The record every system stores and pushes. `topic` is its filtered collection; `n` the write's number; `ts` the write's time. */
export interface BenchRecord {
  id: string;
  topic: number;
  n: number;
  ts: number;
  payload: string;
}

export function recordId(topic: number): string {
  return `r${topic}`;
}

/** Which topic subscriber `index` follows: null (the whole collection) in plain fan-out. */
export function topicOf(index: number, topics: number): number | null {
  return topics === 0 ? null : index % topics;
}

/** Which record write `n` updates. */
export function writeTopic(n: number, topics: number): number {
  return topics === 0 ? 0 : n % topics;
}

/** How many events `writes` writes, numbered from `first`, deliver to `subscribers` subscribers. */
export function expectedEvents(subscribers: number, topics: number, first: number, writes: number): number {
  if (topics === 0) return subscribers * writes;
  let total = 0;
  for (let n = first; n < first + writes; n++) {
    const topic = writeTopic(n, topics);
    total += Math.floor(subscribers / topics) + (topic < subscribers % topics ? 1 : 0);
  }
  return total;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: Float64Array, count: number): LatencySummary {
  if (count === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = samples.slice(0, count).sort();
  const at = (q: number): number => sorted[Math.min(count - 1, Math.floor(q * count))] ?? Number.NaN;
  return { count, p50: at(0.5), p99: at(0.99), max: sorted[count - 1] ?? Number.NaN };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Server side of a system: a process listening on 127.0.0.1 that stores a write and pushes it to its subscribers. */
export interface ServerAdapter {
  readonly port: number;
  /** Updates record `recordId(topic)` with `n` and `ts`, and pushes it to every subscriber that sees it. */
  write(topic: number, n: number, ts: number): void | Promise<void>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** How many records (topics) to seed: 1 in plain fan-out. */
  readonly records: number;
  /** A directory for the SQLite file. */
  readonly dir: string;
}

/** Client side of a system: one subscribed connection, calling `onEvent` with each pushed record's write time. */
export interface ClientConnection {
  close(): void;
}

export type ConnectClient = (url: string, topic: number | null, onEvent: (ts: number) => void) => Promise<ClientConnection>;

/** Messages between the orchestrator and its children (over the fork IPC channel). */
export type ServerCommand =
  | { type: 'mem' }
  | { type: 'rate'; first: number; writes: number; perSecond: number; topics: number }
  | { type: 'burst'; first: number; writes: number; topics: number }
  | { type: 'mark' }
  | { type: 'cpu' }
  | { type: 'exit' };

export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'mem'; rss: number; heapUsed: number }
  | { type: 'written'; ms: number }
  | { type: 'marked' }
  | { type: 'cpu'; userMicros: number; systemMicros: number; ms: number }
  | { type: 'error'; message: string };

export type LoadCommand =
  | { type: 'connect'; system: SystemName; url: string; subscribers: number; topics: number }
  | { type: 'expect'; count: number; idleMs: number; timeoutMs: number }
  | { type: 'http'; url: string; records: number; concurrency: number; durationMs: number }
  | { type: 'exit' };

export interface ReceiveReport {
  type: 'received';
  expected: number;
  received: number;
  latency: LatencySummary;
  /** Earliest write time among the events received, and the last receive time. */
  firstWriteTs: number;
  lastReceiveTs: number;
}

export interface HttpReport {
  type: 'http';
  requests: number;
  errors: number;
  durationMs: number;
  latency: LatencySummary;
}

export type LoadReply =
  | { type: 'connected'; ms: number; failed: number; firstError?: string }
  | { type: 'armed' }
  | ReceiveReport
  | HttpReport
  | { type: 'error'; message: string };
