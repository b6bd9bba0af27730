import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where each run's figures go (ignored by git); `render-reliability.ts` turns them into docs/reliability.md's table. */
export const RESULTS_FILE = fileURLToPath(new URL('../results/last-run.json', import.meta.url));

/** One scenario's figures. `null` for a figure that does not apply to it. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly passed: boolean;
  readonly acknowledged: number | null;
  readonly lost: number | null;
  readonly duplicated: number | null;
  /** Time from the end of the fault to every client at the log's head (or back), in ms. */
  readonly convergeMs: number | null;
  /** Server resident memory, in MiB, where the scenario measures it. */
  readonly memoryMiB: number | null;
  /** Anything else worth a line in the table. */
  readonly notes: string;
  readonly at: string;
}

export interface ResultsFile {
  readonly startedAt: string;
  readonly machine: string;
  readonly results: ScenarioResult[];
}

/** Empties the results file at the start of a run. */
export function resetResults(machine: string): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  const file: ResultsFile = { startedAt: new Date().toISOString(), machine, results: [] };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

export function readResults(): ResultsFile {
  return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as ResultsFile;
}

/**
 * Prints a scenario's figures and appends them to the results file (scenario files run one
 * at a time, so appends do not race).
 *
 * @example
 * recordResult({ scenario: 'SIGKILL under load (SQLite)', passed: true, acknowledged: 812, lost: 0, duplicated: 0, convergeMs: 640, memoryMiB: null, notes: '' });
 */
export function recordResult(result: Omit<ScenarioResult, 'at'>): void {
  const entry: ScenarioResult = { ...result, at: new Date().toISOString() };
  console.log(`[faults] ${JSON.stringify(entry)}`);
  let file: ResultsFile;
  try {
    file = readResults();
  } catch {
    file = { startedAt: entry.at, machine: '', results: [] };
  }
  const results = [...file.results.filter((other) => other.scenario !== entry.scenario), entry];
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...file, results }, null, 2)}\n`);
}

/**
 * Whether a scenario that needs a tool this machine lacks must fail (CI) rather than skip.
 *
 * @example
 * if (!PrivateRedis.available() && mustRunEverything()) throw new Error('redis-server is required in CI');
 */
export function mustRunEverything(): boolean {
  return process.env['CI'] === 'true' || process.env['CI'] === '1';
}
