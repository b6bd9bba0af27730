import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { declaresTooLarge, refuseTooLarge, type NodeListenerOptions } from './node-listener.js';

/** What {@link answerExpectContinue} needs to know. */
export interface ExpectContinueOptions extends Pick<NodeListenerOptions, 'maxBodyBytes' | 'lingering' | 'reportError'> {
  /** Whether a path is Syncline's (its body limit applies there); other paths are continued as Node would. */
  readonly owns: (path: string) => boolean;
}

/**
 * Answers `Expect: 100-continue` (RFC 9110 §10.1.1) on a server: a request to one of
 * Syncline's paths that declares a body longer than `maxBodyBytes` gets its 413 at once,
 * with no `100 Continue`, so the client never sends the body; any other gets `100 Continue`
 * and goes to the server's request listeners, as without this. Leaves a server that already
 * handles `checkContinue` alone.
 *
 * @example
 * answerExpectContinue(server, { maxBodyBytes: 1 << 20, lingering: DEFAULT_LIMITS, owns, reportError: console.error });
 */
export function answerExpectContinue(server: Server, options: ExpectContinueOptions): void {
  if (server.listenerCount('checkContinue') > 0) return;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (options.owns(path) && declaresTooLarge(req, options.maxBodyBytes)) return refuseTooLarge(req, res, options);
    res.writeContinue();
    server.emit('request', req, res);
  });
}
