/**
 * WebSocket close codes Syncline sends (RFC 6455 §7.4; 4000–4999 are the application's).
 * A client reconnects after each of them and resumes its subscriptions, except 4400 and 4406,
 * after which the same client would fail the same way. Two more reach a
 * client without a code of ours: 1007 (a text frame that is not UTF-8, closed by `ws`)
 * and 1006 (no close frame: a socket that missed a heartbeat is terminated, not closed).
 */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect, perhaps to another process. */
  goingAway: 1001,
  /** A frame was larger than the server's limit (sent by `ws` at `maxPayload`). */
  messageTooBig: 1009,
  /** The client read too slowly: its send buffer passed the bound. Reconnect and resume. */
  slowConsumer: 4008,
  /** Too many malformed frames in a row. */
  tooManyErrors: 4400,
  /**
   * The server does not speak the protocol major the client offered (`syncline.<major>`). The
   * close reason names the versions it speaks (`supported: 1.0-1.0`). Sent at once, before any
   * `hello`. A client stops reconnecting and reports it: only a client of another version helps.
   */
  protocolNotSupported: 4406,
  /**
   * The connection's session ended: signed out (on any server process) or expired. The
   * client signs in again (or renews its token) and reconnects; its subscriptions resume.
   */
  sessionEnded: 4401,
  /**
   * The client kept sending past its message rate (`SYNCLINE_MAX_MESSAGES_PER_SECOND`) after
   * being told so with `rate-limited` answers. Reconnect after a pause, and send less often.
   */
  rateLimited: 4429,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
