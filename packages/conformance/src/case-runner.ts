import type { KnownCapability } from '@syncline/protocol';
import { ConformanceFailure, type FailureCode } from './conformance-failure.js';

/** What every case receives: where the server is, and a place to register cleanups. */
export interface CaseContext {
  /** The server's origin, `http://host:port`, without a trailing slash. */
  readonly baseUrl: string;
  /** The WebSocket path (§1), `/live` unless the server says otherwise. */
  readonly livePath: string;
  /** How long a case waits for one answer or event before it fails with `timeout`. */
  readonly waitMs: number;
  /** A string unique to this run and case, so records of concurrent runs never meet. */
  readonly tag: string;
  /** Runs `cleanup` when the case ends, passed or failed (sockets, streams). */
  defer(cleanup: () => unknown): void;
}

/** One named check of the protocol. */
export interface ConformanceCase {
  /** A sentence saying what a conforming server does. */
  readonly name: string;
  /** The section of docs/protocol.md the case checks, such as `§4.3`. */
  readonly section: string;
  /** The surface it exercises; `--only` selects by it. */
  readonly group: 'http' | 'socket' | 'event-stream';
  /** The capability (§12) the case checks; a server that does not offer it has the case skipped. */
  readonly needs?: KnownCapability;
  run(context: CaseContext): Promise<void>;
}

export interface CaseResult {
  readonly name: string;
  readonly section: string;
  /** The server case's group, or `client` for the cases of `--client`. */
  readonly group: ConformanceCase['group'] | 'client';
  readonly passed: boolean;
  /** The case did not run: the server does not offer what it checks (`reason` says which capability). Neither passed nor failed. */
  readonly skipped?: boolean;
  /** Why it failed or was skipped; absent when it passed. */
  readonly reason?: string;
  readonly code?: FailureCode;
  readonly durationMs: number;
}

export interface ConformanceReport {
  readonly results: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  /** Cases not run because the server does not offer their capability. */
  readonly skipped: number;
}

export interface RunCasesOptions {
  readonly baseUrl: string;
  readonly livePath?: string;
  readonly waitMs?: number;
  /** A case that takes longer fails with `timeout`. Default 15 s. */
  readonly caseTimeoutMs?: number;
  /**
   * What the server offers (§12, `GET /_syncline`): a case that needs a capability missing
   * here is skipped. Absent: unknown, and every case runs.
   */
  readonly capabilities?: readonly string[];
  /** Called after each case, for a progress line. */
  readonly onResult?: (result: CaseResult) => void;
}

/**
 * Runs cases one after another (each sees the server to itself, as far as this run goes) and
 * collects a result per case. A case passes when `run` resolves; whatever it throws is its reason.
 *
 * @example
 * const report = await runCases(cases, { baseUrl: 'http://127.0.0.1:3000' });
 * process.exitCode = report.failed === 0 ? 0 : 1;
 */
export async function runCases(cases: readonly ConformanceCase[], options: RunCasesOptions): Promise<ConformanceReport> {
  const results: CaseResult[] = [];
  const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  for (const [index, entry] of cases.entries()) {
    const offered = entry.needs === undefined || options.capabilities === undefined || options.capabilities.includes(entry.needs);
    const result = offered ? await runOne(entry, options, `${run}-${index}`) : notOffered(entry);
    results.push(result);
    options.onResult?.(result);
  }
  const passed = results.filter((result) => result.passed).length;
  const skipped = results.filter((result) => result.skipped === true).length;
  return { results, passed, failed: results.length - passed - skipped, skipped };
}

function notOffered(entry: ConformanceCase): CaseResult {
  return { name: entry.name, section: entry.section, group: entry.group, passed: false, skipped: true, reason: `not offered: the server does not name the capability "${String(entry.needs)}" (§12)`, durationMs: 0 };
}

async function runOne(entry: ConformanceCase, options: RunCasesOptions, tag: string): Promise<CaseResult> {
  const cleanups: Array<() => unknown> = [];
  const context: CaseContext = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    livePath: options.livePath ?? '/live',
    waitMs: options.waitMs ?? 5_000,
    tag,
    defer: (cleanup) => void cleanups.push(cleanup),
  };
  const started = Date.now();
  const limitMs = options.caseTimeoutMs ?? 15_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConformanceFailure('timeout', `the case did not finish within ${limitMs} ms`)), limitMs);
  });
  const base = { name: entry.name, section: entry.section, group: entry.group };
  try {
    await Promise.race([entry.run(context), deadline]);
    return { ...base, passed: true, durationMs: Date.now() - started };
  } catch (error) {
    const code: FailureCode = error instanceof ConformanceFailure ? error.code : 'error';
    const reason = error instanceof Error ? error.message : String(error);
    return { ...base, passed: false, code, reason, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // A cleanup that fails (a socket already closed) says nothing about the server.
      }
    }
  }
}
