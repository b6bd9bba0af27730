#!/usr/bin/env node
import { parseCliArguments, USAGE } from './cli-arguments.js';
import { formatResult, formatSummary } from './report-format.js';
import { runConformance } from './run-conformance.js';

let parsed: ReturnType<typeof parseCliArguments>;
try {
  parsed = parseCliArguments(process.argv.slice(2));
} catch (error) {
  console.error(`syncline-conformance: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const { json, options } = parsed;
const report = await runConformance({ ...options, ...(json ? {} : { onResult: (result) => console.log(formatResult(result)) }) });
if (json) console.log(JSON.stringify(report, null, 2));
else console.log(`\n${formatSummary(report)}`);
process.exit(report.failed === 0 ? 0 : 1);
