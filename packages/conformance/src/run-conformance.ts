import { runCases, type ConformanceCase, type ConformanceReport, type RunCasesOptions } from './case-runner.js';
import { conformanceCases } from './cases/index.js';
import { discoverCapabilities } from './discovery-probe.js';

export interface ConformanceOptions extends RunCasesOptions {
  /** Only the cases of these groups (`http`, `socket`, `event-stream`). Default: all. */
  readonly only?: readonly ConformanceCase['group'][];
}

/**
 * Runs the suite against a server that serves the fixture (`@syncline/conformance/fixture`).
 * Unless `capabilities` are given, it first reads what the server offers at `GET /_syncline`
 * and skips the cases of capabilities it does not name (sign-in on a server without accounts).
 *
 * @example
 * const report = await runConformance({ baseUrl: 'http://127.0.0.1:3000' });
 * if (report.failed > 0) console.log(report.results.filter((r) => !r.passed));
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const only = options.only;
  const cases = only === undefined ? conformanceCases : conformanceCases.filter((entry) => only.includes(entry.group));
  const capabilities = options.capabilities ?? (await discoverCapabilities(options.baseUrl, options.waitMs ?? 5_000));
  return runCases(cases, { ...options, ...(capabilities === undefined ? {} : { capabilities }) });
}
