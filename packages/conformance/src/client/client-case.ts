import { show } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import type { AdapterProcess } from './adapter-process.js';
import type { PeerConnection } from './peer-connection.js';
import type { WriteHandler } from './scripted-answers.js';
import type { ScriptedFeed } from './scripted-records.js';
import type { ScriptedServer } from './scripted-server.js';

/** What the scripted server starts a case with. */
export interface ClientCaseSetup {
  readonly feed: ScriptedFeed;
  /** The `heartbeatMs` of `hello`; the default (25 s) never fires within a case. */
  readonly heartbeatMs?: number;
  readonly write?: WriteHandler;
}

export interface ClientCaseContext {
  readonly server: ScriptedServer;
  readonly adapter: AdapterProcess;
  /** How long one step waits for the client (a connection, a frame, a line). */
  readonly waitMs: number;
  /** How long the first connection may take: the adapter's start-up included. */
  readonly startMs: number;
}

/** One named check of a client against the protocol, played by the scripted server. */
export interface ClientCase {
  /** The short name the adapter receives as `SYNCLINE_CONFORMANCE_CASE`. */
  readonly id: string;
  /** A sentence saying what a conforming client does. */
  readonly name: string;
  /** The section of docs/protocol.md the case checks. */
  readonly section: string;
  /** The adapter's task (README): `follow` the collection on the socket or over `follow-events`, or `patch` one record. */
  readonly task: 'follow' | 'follow-events' | 'patch';
  /** For `patch`: the record's URI, given as `SYNCLINE_CONFORMANCE_RECORD`. */
  readonly record?: string;
  /** The longest the case may take, adapter start-up included. */
  readonly limitMs: number;
  setup(): ClientCaseSetup;
  run(context: ClientCaseContext): Promise<void>;
}

/** Fails with `error` when the adapter has exited: a following adapter runs until it is ended. */
function checkRunning(context: ClientCaseContext, what: string): void {
  const exit = context.adapter.exit;
  if (exit !== undefined) {
    throw new ConformanceFailure('error', `the adapter exited (code ${String(exit.code)}${exit.signal ? `, ${exit.signal}` : ''}) before ${what}; stderr: ${context.adapter.stderrTail() || '(empty)'}`);
  }
}

/** The records of the adapter's latest `{"items": [...]}` line, as id → version; undefined before the first. */
export function latestHeld(context: ClientCaseContext): Map<string, number> | undefined {
  const line = context.adapter.lines.at(-1);
  if (line === undefined) return undefined;
  const items = typeof line === 'object' && line !== null && 'items' in line ? line.items : undefined;
  if (!Array.isArray(items)) throw new ConformanceFailure('error', `a follow adapter prints {"items": [...]} lines, got ${show(line)}`);
  const held = new Map<string, number>();
  for (const item of items) {
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if (typeof record.id !== 'string' || typeof record.version !== 'number') throw new ConformanceFailure('error', `each item of a follow line is a record with id and version, got ${show(item)}`);
    held.set(record.id, record.version);
  }
  return held;
}

function describe(held: ReadonlyMap<string, number> | undefined): string {
  if (held === undefined) return 'no line yet';
  return held.size === 0 ? '{}' : [...held].map(([id, version]) => `…${id.slice(-4)}@v${version}`).join(', ');
}

/**
 * Waits until the adapter's latest line holds exactly `expected` (id → version): what the
 * client shows after applying what the server sent. Fails `mismatch` with what it holds instead.
 */
export async function awaitHolding(context: ClientCaseContext, expected: ReadonlyMap<string, number>, what: string): Promise<void> {
  const same = (held: ReadonlyMap<string, number> | undefined): boolean => held !== undefined && held.size === expected.size && [...expected].every(([id, version]) => held.get(id) === version);
  try {
    await context.server.signal.until(() => (checkRunning(context, what), same(latestHeld(context)) ? true : undefined), context.waitMs, what);
  } catch (error) {
    if (!(error instanceof ConformanceFailure) || error.code !== 'timeout') throw error;
    throw new ConformanceFailure('mismatch', `${what}: expected the client to hold ${describe(expected)}, it holds ${describe(latestHeld(context))}`);
  }
}

/**
 * Waits for a connection (index `from` or later) on which the collection subscription is live;
 * the first one (`from` 0) may take the adapter's start-up time.
 */
export async function awaitSubscribed(context: ClientCaseContext, from = 0): Promise<PeerConnection> {
  return context.server.signal.until(
    () => {
      checkRunning(context, `subscribing to the collection`);
      return context.server.connections.find((connection) => connection.index >= from && connection.open && connection.live.size > 0);
    },
    from === 0 ? context.startMs : context.waitMs,
    `a socket on which the client SUBSCRIBEs to the collection`,
  );
}

/** Waits for the client to close or lose `connection`. */
export async function awaitClosed(context: ClientCaseContext, connection: PeerConnection, ms: number, what: string): Promise<number> {
  return context.server.signal.until(() => connection.closedAt, ms, what);
}

/** Records as an id → version map, for `awaitHolding`. */
export function holding(...records: ReadonlyArray<{ readonly id: string; readonly version: number }>): Map<string, number> {
  return new Map(records.map((record) => [record.id, record.version]));
}
