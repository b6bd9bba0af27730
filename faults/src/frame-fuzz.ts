import fc from 'fast-check';

/** One thing a fuzz case sends on the socket: a text frame (possibly not UTF-8) or a binary frame. */
export type FuzzFrame = { readonly kind: 'text'; readonly data: string } | { readonly kind: 'bytes-as-text'; readonly data: Uint8Array } | { readonly kind: 'binary'; readonly data: Uint8Array };

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SUBSCRIBE', 'UNSUBSCRIBE', 'get', 'TRACE', 'CONNECT', ''];

/**
 * A few ids and URIs that exist or almost exist, so valid requests land on real records in odd orders.
 *
 * @example
 * fc.sample(resourceArbitrary([id]), 3); // ['/entries?limit=1', '/entries/<id>', '/entries/%']
 */
export function resourceArbitrary(ids: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('/entries', '/entries?limit=1', '/entries?writer=w0', '/entries?order=-n&limit=3', '/entries?n[gt]=3', '/nothing', '/', '/entries/', '/entries?limit=100000', '/entries?order=__proto__'),
    fc.constantFrom(...ids).map((id) => `/entries/${id}`),
    fc.string({ maxLength: 40 }).map((tail) => `/entries/${tail}`),
    fc.string({ maxLength: 60 }),
  );
}

/** Nesting `depth` deep, of arrays or objects. */
function nested(depth: number, object: boolean): string {
  return object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** JSON text with a prototype key somewhere. */
const prototypeKeys = fc.constantFrom('__proto__', 'constructor', 'prototype').chain((key) =>
  fc.constantFrom(
    `{"id":"p","method":"PUT","resource":"/entries/x","body":{"${key}":{"polluted":true}}}`,
    `{"${key}":{"id":"q"},"id":"q2","method":"GET","resource":"/entries"}`,
    `{"id":"p3","method":"PATCH","resource":"/entries/x","headers":{"content-type":"application/json-patch+json"},"body":[{"op":"add","path":"/${key}/polluted","value":1}]}`,
  ),
);

/**
 * Frames that a hostile or broken client might send: random text, random JSON, mutated valid
 * requests (odd methods, ids, headers and bodies), nesting far past the depth limit, numbers
 * past what a double holds, prototype keys, invalid UTF-8 in a text frame, and binary frames.
 *
 * @example
 * fc.assert(fc.asyncProperty(frameArbitrary(ids), async (frame) => { … }), { seed, numRuns: 2000 });
 */
export function frameArbitrary(ids: readonly string[]): fc.Arbitrary<FuzzFrame> {
  const request = fc.record(
    {
      id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.double(), fc.constant(null), fc.constant(-1), fc.constant(2 ** 53)),
      method: fc.constantFrom(...METHODS),
      resource: resourceArbitrary(ids),
      headers: fc.dictionary(fc.constantFrom('if-match', 'if-none-match', 'last-event-id', 'syncline-subscription', 'content-type', 'idempotency-key', 'x-other'), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('"1"', '*', '-1', '99999999999999999999', 'application/merge-patch+json', 'application/json-patch+json'))),
      body: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ writer: fc.string({ maxLength: 70 }), n: fc.oneof(fc.integer(), fc.double()), text: fc.string({ maxLength: 30 }) })),
    },
    { requiredKeys: [] },
  );
  const text = (data: string): FuzzFrame => ({ kind: 'text', data });
  return fc.oneof(
    { weight: 6, arbitrary: request.map((value) => text(JSON.stringify(value))) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map(text) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => text(JSON.stringify(value))) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 30, max: 100_000 }), fc.boolean()).map(([depth, object]) => text(`{"id":"deep","method":"PUT","resource":"/entries","body":${nested(depth, object)}}`)) },
    { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '0.0000000000000000000000000001e-400', '9007199254740993').map((number) => text(`{"id":${number},"method":"GET","resource":"/entries?limit=${number}","body":{"n":${number}}}`)) },
    { weight: 1, arbitrary: prototypeKeys.map(text) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ kind: 'bytes-as-text', data: Uint8Array.from([0xc3, 0x28, ...bytes, 0xff]) }) satisfies FuzzFrame) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((data) => ({ kind: 'binary', data }) satisfies FuzzFrame) },
  );
}

/**
 * HTTP requests with random methods, paths, content types and bodies (some not UTF-8, some deep).
 *
 * @example
 * fc.assert(fc.asyncProperty(httpArbitrary(ids), async ({ method, path, body }) => { … }), { seed });
 */
export function httpArbitrary(ids: readonly string[]): fc.Arbitrary<{ method: string; path: string; contentType: string; body: Uint8Array | undefined }> {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  return fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SUBSCRIBE', 'PROPFIND'),
    path: resourceArbitrary(ids).filter((path) => path.startsWith('/') && !/[\s#]/.test(path) && !/%(?![0-9a-fA-F]{2})/.test(path)),
    contentType: fc.constantFrom('application/json', 'application/merge-patch+json', 'application/json-patch+json', 'text/plain', 'application/x-www-form-urlencoded', ''),
    body: fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 5 }).map((value) => encode(JSON.stringify(value))),
      fc.string({ maxLength: 100 }).map(encode),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Uint8Array.from([0xff, 0xfe, ...bytes])),
      fc.integer({ min: 40, max: 50_000 }).map((depth) => encode(nested(depth, depth % 2 === 0))),
      fc.constantFrom('{"__proto__":{"polluted":true},"writer":"x","n":1}', '{"constructor":{"prototype":{"polluted":1}}}', '[{"op":"add","path":"/__proto__/polluted","value":1}]').map(encode),
      fc.constant(encode('{"writer":"x","n":1e400}')),
    ),
  });
}
