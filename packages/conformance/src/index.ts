export { runConformance, type ConformanceOptions } from './run-conformance.js';
export { runCases, type CaseContext, type CaseResult, type ConformanceCase, type ConformanceReport, type RunCasesOptions } from './case-runner.js';
export { ConformanceFailure, type FailureCode } from './conformance-failure.js';
export { conformanceCases } from './cases/index.js';
export { formatResult, formatSummary } from './report-format.js';
export { runClientConformance, type ClientConformanceOptions } from './client/run-client-conformance.js';
export { clientCases } from './client/client-cases.js';
export type { ClientCase, ClientCaseContext } from './client/client-case.js';
