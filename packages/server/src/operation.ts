import type { Method } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';

/**
 * One request, whichever transport it came from. HTTP and WebSocket both build an
 * Operation and hand it to the same executor, so validation, rules, hooks, errors and
 * the answer are the same on both.
 */
export interface Operation {
  readonly method: Method;
  /** Origin-relative URI with query: `/todos?done=false`. */
  readonly uri: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; `undefined` when there is none. */
  readonly body: unknown;
  readonly context: RequestContext;
  /**
   * Charges the work the request asks for beyond itself (the distinct entries of a reconcile) to
   * its caller's budgets, all or nothing: 0 when granted, otherwise the milliseconds until it could
   * be. Set by the transports; absent (the server's own operations), nothing is charged.
   */
  readonly charge?: (units: number) => number;
}

/** The answer to an Operation: what HTTP writes as status, headers and body, and what the socket sends as a response frame. */
export interface Outcome {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  /** A JSON value; `undefined` means no body (204, 304, HEAD). */
  readonly body?: unknown;
}
