import type { IncomingResponse, OutgoingRequest, Transport } from '../../src/index.js';

/**
 * A transport answered by the test: every request is logged, and `answer` decides its
 * response (a promise the test settles when it wants, to hold a write in flight).
 *
 * @example
 * const transport = scriptedTransport((request) => ({ status: 200, headers: {}, body: {} }));
 */
export function scriptedTransport(answer: (request: OutgoingRequest) => IncomingResponse | Promise<IncomingResponse>): Transport & { readonly requests: OutgoingRequest[] } {
  const requests: OutgoingRequest[] = [];
  return {
    requests,
    async request(request) {
      requests.push(request);
      return answer(request);
    },
  };
}

/** A `/_reconcile` answer saying every entry is unchanged (304). */
export function allUnchanged(request: OutgoingRequest): IncomingResponse {
  const body = request.body as { entries: Array<{ uri: string; etag: string | null }> };
  return { status: 200, headers: {}, body: { seq: 1, entries: body.entries.map(({ uri, etag }) => (etag === null ? { uri, status: 404 } : { uri, status: 304, etag })) } };
}

/** A promise with its resolve function outside. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}
