#!/usr/bin/env node
import { parseCliArguments, USAGE } from './cli-arguments.js';
import { formatResult, formatSummary } from './report-format.js';
import { runClientConformance } from './client/run-client-conformance.js';
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
const { json } = parsed;
const onResult = json ? {} : { onResult: (result: Parameters<typeof formatResult>[0]) => console.log(formatResult(result)) };
const report = 'client' in parsed ? await runClientConformance({ ...parsed.client, ...onResult }) : await runConformance({ ...parsed.options, ...onResult });
if (json) console.log(JSON.stringify(report, null, 2));
else console.log(`\n${formatSummary(report)}`);
process.exit(report.failed === 0 ? 0 : 1);
