/**
 * WebSocket close codes Syncline uses (RFC 6455 §7.4; 4000–4999 are the application's).
 * A client reconnects after every code but 4403 and resumes its subscriptions.
 */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect, perhaps to another process. */
  goingAway: 1001,
  /** A frame broke the protocol in a way that cannot be answered (RFC 6455). */
  protocolError: 1002,
  /** A policy was violated (too many connections from one address). */
  policyViolation: 1008,
  /** A frame was larger than the server's limit. */
  messageTooBig: 1009,
  /** The client read too slowly: its send buffer passed the bound. Reconnect and resume. */
  slowConsumer: 4008,
  /** No answer to heartbeats within the timeout. */
  heartbeatTimeout: 4009,
  /** Too many malformed frames in a row. */
  tooManyErrors: 4400,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
