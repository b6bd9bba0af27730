/**
 * Renders the last `npm run test:faults` run (faults/results/last-run.json) as the scenario table
 * in docs/reliability.md, between its `faults-table` markers.
 *
 * @example
 * npm run test:faults && node --conditions=@syncline/source --import tsx faults/src/render-reliability.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readResults, type ScenarioResult } from './results.js';

const DOC = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url));
const START = '<!-- faults-table:start -->';
const END = '<!-- faults-table:end -->';

/** The order of scenarios (by how much each proves), by the start of their names. */
const ORDER = ['SIGKILL', 'Redis killed', 'Redis paused', 'PostgreSQL', 'Slow consumer', 'Half-open', 'Connection flood', 'Subscription flood', 'Reconcile flood', 'Query flood', 'Sign-in and sign-up flood', 'Graceful shutdown', 'Protocol fuzzing'];
const rank = (result: ScenarioResult): number => {
  const index = ORDER.findIndex((prefix) => result.scenario.startsWith(prefix));
  return index < 0 ? ORDER.length : index;
};

const cell = (value: number | null): string => (value === null ? '—' : value.toLocaleString('en-US'));

/** The markdown table of a run's results. */
export function renderTable(results: readonly ScenarioResult[], startedAt: string, machine: string): string {
  const rows = [...results].sort((a, b) => rank(a) - rank(b)).map((result) =>
    `| ${result.scenario} | ${result.passed ? 'pass' : '**fail**'} | ${cell(result.acknowledged)} | ${cell(result.lost)} | ${cell(result.duplicated)} | ${cell(result.convergeMs)} | ${cell(result.memoryMiB)} | ${result.notes.replace(/\|/g, '\\|')} |`,
  );
  return [
    `Run of ${startedAt.slice(0, 16).replace('T', ' ')} UTC on ${machine}, shared with other work (figures of time vary from run to run).`,
    '',
    '| scenario | result | writes acknowledged | lost | duplicated | converge / freed (ms) | server memory (MiB) | details |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const run = readResults();
const doc = readFileSync(DOC, 'utf8');
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`${DOC} has no ${START} … ${END} markers`);
writeFileSync(DOC, `${doc.slice(0, from + START.length)}\n${renderTable(run.results, run.startedAt, run.machine)}\n${doc.slice(to)}`);
console.log(`docs/reliability.md: ${run.results.length} scenarios from the run of ${run.startedAt}`);
