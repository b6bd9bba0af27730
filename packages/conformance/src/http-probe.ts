import { parseJsonSafely, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX, problemSchema, type Problem } from '@syncline/protocol';
import { check, checkEqual, show } from './check.js';
import type { CaseContext } from './case-runner.js';
import { ConformanceFailure } from './conformance-failure.js';

/** An HTTP answer as the cases read it: header names in lower case, the body as text and, when JSON, parsed. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The parsed body when it is JSON (`undefined` otherwise or when empty). */
  readonly body: unknown;
}

export interface HttpCall {
  readonly headers?: Record<string, string>;
  /** Sent as JSON (`content-type: application/json` unless `headers` names another). */
  readonly body?: unknown;
}

/** Sends one HTTP request to the server under test and reads the whole answer. */
export async function http(context: CaseContext, method: string, uri: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(context.baseUrl + uri, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(context.waitMs) });
  } catch (error) {
    throw new ConformanceFailure('error', `${method} ${uri} got no answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (answerHeaders[name.toLowerCase()] = value));
  const type = answerHeaders['content-type'] ?? '';
  const parsed = text !== '' && /json/.test(type) ? jsonBody(text, `${method} ${uri}: the ${type} body`) : undefined;
  return { status: response.status, headers: answerHeaders, text, body: parsed };
}

/** The deepest JSON a body or frame may nest before the suite calls it invalid (a record inside its envelope). */
const MAX_DEPTH = 64;

/** Parses a body or frame the way both sides of the protocol do (`parseJsonSafely`): `invalid-message` when it is not JSON, nests too deep or names a prototype key. */
export function jsonBody(text: string, what: string): unknown {
  try {
    return parseJsonSafely(text, { maxDepth: MAX_DEPTH });
  } catch (error) {
    throw new ConformanceFailure('invalid-message', `${what} is not acceptable JSON (${error instanceof Error ? error.message : String(error)}): ${show(text)}`);
  }
}

/** Checks the status, naming the request and showing the body when it differs. */
export function expectStatus(answer: HttpAnswer, status: number, what: string): void {
  check(answer.status === status, `${what}: expected status ${status}, got ${answer.status} ${show(answer.body ?? answer.text)}`);
}

/**
 * Checks a problem answer (§2.2, errors.md): the status, `application/problem+json`, a body the
 * protocol's problem schema accepts, with `code`, `type` `urn:syncline:error:<code>` and the same status.
 */
export function expectProblem(answer: HttpAnswer, status: number, code: string, what: string): Problem {
  expectStatus(answer, status, what);
  check((answer.headers['content-type'] ?? '').startsWith(PROBLEM_CONTENT_TYPE), `${what}: expected content-type ${PROBLEM_CONTENT_TYPE}, got ${show(answer.headers['content-type'])}`);
  return expectProblemBody(answer.body, status, code, what);
}

/** Checks a problem body, whichever transport carried it. */
export function expectProblemBody(body: unknown, status: number, code: string, what: string): Problem {
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) throw new ConformanceFailure('invalid-message', `${what}: the body is not a problem: ${show(body)}`);
  checkEqual(parsed.data.code, code, `${what}: problem code`);
  checkEqual(parsed.data.type, PROBLEM_TYPE_PREFIX + code, `${what}: problem type`);
  checkEqual(parsed.data.status, status, `${what}: problem status`);
  return parsed.data;
}
