import type { CaseResult, ConformanceReport } from '../case-runner.js';
import { ConformanceFailure, type FailureCode } from '../conformance-failure.js';
import { AdapterProcess } from './adapter-process.js';
import type { ClientCase } from './client-case.js';
import { clientCases } from './client-cases.js';
import { ScriptedServer } from './scripted-server.js';

export interface ClientConformanceOptions {
  /** The adapter: a shell command run once per case with the case's environment (README). */
  readonly command: string;
  /** How long one step waits for the client. Default 5000 ms. */
  readonly waitMs?: number;
  /** How long the adapter may take to open its first socket or print its outcome. Default 20000 ms. */
  readonly startMs?: number;
  /** Run only the cases with these short names. */
  readonly cases?: readonly string[];
  /** Called after each case, for a progress line. */
  readonly onResult?: (result: CaseResult) => void;
}

/**
 * Checks a client implementation: for each case, starts a scripted server on 127.0.0.1 port 0,
 * runs the adapter command against it, and lets the case judge what the client sends and shows.
 *
 * @example
 * const report = await runClientConformance({ command: 'python3 my_adapter.py' });
 * process.exitCode = report.failed === 0 ? 0 : 1;
 */
export async function runClientConformance(options: ClientConformanceOptions): Promise<ConformanceReport> {
  const selected = options.cases === undefined ? clientCases : clientCases.filter((entry) => options.cases?.includes(entry.id));
  const results: CaseResult[] = [];
  for (const entry of selected) {
    const result = await runClientCase(entry, options);
    results.push(result);
    options.onResult?.(result);
  }
  const passed = results.filter((result) => result.passed).length;
  return { results, passed, failed: results.length - passed, skipped: 0 };
}

async function runClientCase(entry: ClientCase, options: ClientConformanceOptions): Promise<CaseResult> {
  const started = Date.now();
  const base = { name: `${entry.id}: ${entry.name}`, section: entry.section, group: 'client' as const };
  const setup = entry.setup();
  const server = await ScriptedServer.start({ feed: setup.feed, heartbeatMs: setup.heartbeatMs ?? 25_000, ...(setup.write ? { write: setup.write } : {}) });
  const adapter = new AdapterProcess(options.command, { url: server.url, caseName: entry.id, task: entry.task, ...(entry.record === undefined ? {} : { record: entry.record }) }, server.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConformanceFailure('timeout', `the case did not finish within ${entry.limitMs} ms`)), entry.limitMs);
  });
  try {
    await Promise.race([entry.run({ server, adapter, waitMs: options.waitMs ?? 5_000, startMs: options.startMs ?? 20_000 }), deadline]);
    server.signal.throwIfFailed();
    return { ...base, passed: true, durationMs: Date.now() - started };
  } catch (error) {
    const code: FailureCode = error instanceof ConformanceFailure ? error.code : 'error';
    const message = error instanceof Error ? error.message : String(error);
    const stderr = adapter.stderrTail();
    const reason = stderr === '' || message.includes('stderr:') ? message : `${message} (adapter stderr: ${stderr})`;
    return { ...base, passed: false, code, reason, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
    await adapter.stop();
    await server.close();
  }
}
