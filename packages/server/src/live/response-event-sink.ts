import type { EventSink } from './event-sink.js';

const encoder = new TextEncoder();

/**
 * An event stream as a Fetch `Response` whose body is a `ReadableStream`: `response` settles
 * when the stream starts (200, the body open for as long as the stream lasts) or when a problem
 * answers instead. The client cancelling the body, or `signal` aborting (the client went away),
 * closes the stream on the server. Bytes enqueued and not yet read are the buffered amount
 * (a queuing strategy with no high-water mark counts them as a negative `desiredSize`).
 *
 * @example
 * const { sink, response } = responseEventSink(request.signal);
 * streams.serve(streamRequest, sink);
 * return response;
 */
export function responseEventSink(signal?: AbortSignal): { sink: EventSink; response: Promise<Response> } {
  let settle: (response: Response) => void = () => {};
  const response = new Promise<Response>((resolve) => (settle = resolve));
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  const listeners: Array<() => void> = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of listeners.splice(0)) listener();
  };
  signal?.addEventListener('abort', finish, { once: true });
  const sink: EventSink = {
    answer(answer) {
      if (closed || controller !== undefined) return;
      settle(new Response(answer.body ?? null, { status: answer.status, headers: answer.headers }));
      finish();
    },
    start(status, headers) {
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => void (controller = c),
          cancel: finish,
        },
        { highWaterMark: 0, size: (chunk) => chunk.byteLength },
      );
      settle(new Response(body, { status, headers }));
    },
    write(text) {
      if (!closed) controller?.enqueue(encoder.encode(text));
    },
    get bufferedBytes() {
      return Math.max(0, -(controller?.desiredSize ?? 0));
    },
    get closed() {
      return closed;
    },
    end() {
      if (closed) return;
      controller?.close();
      finish();
    },
    destroy() {
      // Also after `end`: what the client never read is dropped (erroring a stream that finished is a no-op).
      controller?.error(new Error('The event stream was dropped.'));
      finish();
    },
    onClose: (listener) => void (closed ? listener() : listeners.push(listener)),
  };
  return { sink, response };
}
