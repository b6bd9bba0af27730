import { runCases, type ConformanceCase, type ConformanceReport, type RunCasesOptions } from './case-runner.js';
import { conformanceCases } from './cases/index.js';

export interface ConformanceOptions extends RunCasesOptions {
  /** Only the cases of these groups (`http`, `socket`, `event-stream`). Default: all. */
  readonly only?: readonly ConformanceCase['group'][];
}

/**
 * Runs the suite against a server that serves the fixture (`@syncline/conformance/fixture`).
 *
 * @example
 * const report = await runConformance({ baseUrl: 'http://127.0.0.1:3000' });
 * if (report.failed > 0) console.log(report.results.filter((r) => !r.passed));
 */
export function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const only = options.only;
  const cases = only === undefined ? conformanceCases : conformanceCases.filter((entry) => only.includes(entry.group));
  return runCases(cases, options);
}
