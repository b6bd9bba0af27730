import type { CaseResult, ConformanceReport } from './case-runner.js';

/**
 * One line per case: `ok` or `FAIL`, the section, the name, and for a failure its code and reason.
 *
 * @example
 * formatResult(result) // "ok    §4.3  GET with a matching If-None-Match answers 304 … (12 ms)"
 */
export function formatResult(result: CaseResult): string {
  const head = `${result.passed ? 'ok  ' : 'FAIL'}  ${result.section.padEnd(14)}  ${result.name} (${result.durationMs} ms)`;
  return result.passed ? head : `${head}\n      ${result.code}: ${result.reason}`;
}

/** The closing line: how many cases passed and failed. */
export function formatSummary(report: ConformanceReport): string {
  const total = report.results.length;
  return report.failed === 0 ? `all ${total} cases passed` : `${report.failed} of ${total} cases failed`;
}
