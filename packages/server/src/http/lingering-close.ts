import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../clock.js';
import { DEFAULT_LIMITS } from '../limits.js';

/** How long and how much of an unread body is read and discarded after the answer, before the connection closes. */
export interface LingeringCloseOptions {
  /** At most this long after the answer (ms). */
  readonly lingeringCloseMs: number;
  /** At most this many bytes of the body. */
  readonly lingeringCloseBytes: number;
  /** The clock of the time bound. Default the system's. */
  readonly clock?: Clock;
}

/** An answer written before the body it refuses was read. */
export interface UnreadBodyAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Answers a request whose body will not be read (413 past the body limit, a form too large)
 * so that a client still uploading can read the answer. Closing at once would not do: the
 * kernel answers bytes that arrive on a closed socket with a reset, and a client that gets the
 * reset before it has read the answer loses the answer too. So, as nginx's lingering close
 * and RFC 9112 §9.6 describe, the answer goes out with `Connection: close`, then the rest of
 * the body is read and discarded (never kept) until it ends, or for at most
 * `lingeringCloseMs` and `lingeringCloseBytes`, and only then is the connection closed.
 *
 * @example
 * answerUnreadBody(req, res, { status: 413, headers: { 'content-type': 'text/plain' }, body: 'Too large' });
 */
export function answerUnreadBody(req: IncomingMessage, res: ServerResponse, answer: UnreadBodyAnswer, options: LingeringCloseOptions = DEFAULT_LIMITS): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, connection: 'close', 'content-length': String(Buffer.byteLength(answer.body)) });
  // write(), not end(): Node closes a `Connection: close` socket as soon as its response ends.
  // The client has the whole answer (its length is declared) as soon as these bytes arrive.
  res.write(answer.body);
  if (req.complete) return void res.end();
  let discarded = 0;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    clock.clearTimeout(timer);
    req.off('data', discard);
    // Ends the response, so Node closes the connection: after the body's end, or at a bound.
    res.end();
  };
  const discard = (chunk: Buffer): void => {
    discarded += chunk.byteLength;
    if (discarded > options.lingeringCloseBytes) finish();
  };
  const clock = options.clock ?? systemClock;
  const timer = clock.setTimeout(finish, options.lingeringCloseMs);
  req.on('data', discard);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}
