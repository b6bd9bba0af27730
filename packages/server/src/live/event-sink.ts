import type { HttpRequest, HttpResponse } from '../http/http-handler.js';

/**
 * A request for an event stream, as any host sees it: header names in lower case, and the
 * client's address as the server's `trustProxy` settled it.
 */
export interface StreamRequest {
  readonly method: string;
  /** Origin-relative: `/todos?list=…`. */
  readonly url: string;
  readonly headers: HttpRequest['headers'];
  readonly remoteAddress: string | undefined;
}

/**
 * Where one event stream's answer goes: Node's `ServerResponse` (`node-event-sink.ts`) or a
 * Fetch `Response` whose body is a `ReadableStream` (`stream-event-sink.ts`). `event-stream.ts`
 * writes only to this.
 */
export interface EventSink {
  /** Answers without a stream (a problem before the stream started); nothing follows. Ignored once started or closed. */
  answer(response: HttpResponse): void;
  /** Sends the stream's status and headers at once. */
  start(status: number, headers: Readonly<Record<string, string>>): void;
  /** Appends to the stream. */
  write(text: string): void;
  /** Bytes written and not yet taken by the client: the slow-consumer bound reads it. */
  readonly bufferedBytes: number;
  /** Whether the client went away (or the sink was ended or destroyed). */
  readonly closed: boolean;
  /** Ends the stream after what was written. */
  end(): void;
  /** Drops the stream at once (a slow consumer that did not read up to its end). */
  destroy(): void;
  /** Called once, when the exchange is over: the client went away, or the answer or the stream ended. */
  onClose(listener: () => void): void;
}
