import type { CaseResult, ConformanceReport } from './case-runner.js';

/**
 * One line per case: `ok`, `FAIL` or `skip`, the section, the name, and for a failure its code
 * and reason, for a skipped case why.
 *
 * @example
 * formatResult(result) // "ok    §4.3  GET with a matching If-None-Match answers 304 … (12 ms)"
 */
export function formatResult(result: CaseResult): string {
  if (result.skipped === true) return `skip  ${result.section.padEnd(14)}  ${result.name}\n      ${result.reason}`;
  const head = `${result.passed ? 'ok  ' : 'FAIL'}  ${result.section.padEnd(14)}  ${result.name} (${result.durationMs} ms)`;
  return result.passed ? head : `${head}\n      ${result.code}: ${result.reason}`;
}

/** The closing line: how many cases passed and failed, and how many were skipped as not offered. */
export function formatSummary(report: ConformanceReport): string {
  const ran = report.results.length - report.skipped;
  const skipped = report.skipped === 0 ? '' : `; ${report.skipped} skipped (not offered)`;
  return report.failed === 0 ? `all ${ran} cases passed${skipped}` : `${report.failed} of ${ran} cases failed${skipped}`;
}
