import { describe, expect, it } from 'vitest';
import {
  downstreamSchema,
  ERROR_STATUS,
  parseJsonSafely,
  PROTOCOL_MAJOR,
  PROTOCOL_RANGE,
  SUBPROTOCOL,
  SynclineError,
  upstreamSchema,
} from '../src/index.js';

describe('wire messages', () => {
  it('a request has an id, a method, an origin-relative resource, optional headers and body', () => {
    expect(upstreamSchema.parse({ id: 'r1', method: 'PATCH', resource: '/todos/1', headers: { 'if-match': '"3"' }, body: { done: true } })).toBeTruthy();
    expect(upstreamSchema.parse({ id: 0, method: 'SUBSCRIBE', resource: '/todos?done=false' })).toBeTruthy();
    for (const bad of [{ method: 'GET', resource: '/x' }, { id: '', method: 'GET', resource: '/x' }, { id: 1, method: 'FETCH', resource: '/x' }, { id: 1, method: 'GET', resource: 'x' }, { id: -1, method: 'GET', resource: '/x' }]) {
      expect(upstreamSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('every downstream message kind parses, and only those', () => {
    const frames = [
      { id: 'r1', status: 200, headers: { etag: '"4"' }, body: { id: '1' } },
      { event: 'hello', protocol: PROTOCOL_RANGE, capabilities: ['reconcile', 'from-a-newer-server'], heartbeatMs: 25000, seq: 0 },
      { event: 'heartbeat', seq: 12 },
      { event: 'change', subscription: 's1', seq: 5, op: 'enter', resource: '/todos/1', etag: '"5"', body: { id: '1' } },
      { event: 'change', subscription: 3, seq: 6, op: 'leave', resource: '/todos/1', etag: null, body: null },
      { event: 'error', body: new SynclineError('invalid-frame').toProblem() },
    ];
    for (const frame of frames) expect(downstreamSchema.safeParse(frame).success).toBe(true);
    expect(downstreamSchema.safeParse({ event: 'change', subscription: 's', seq: 0, op: 'moved', resource: '/x', etag: null, body: null }).success).toBe(false);
    expect(downstreamSchema.safeParse({ id: null, status: 400, headers: {} }).success).toBe(false);
    expect(SUBPROTOCOL).toBe(`syncline.${PROTOCOL_MAJOR}`);
  });

  it('an error becomes an RFC 9457 problem and back, keeping its code', () => {
    const error = new SynclineError('validation-failed', { detail: 'bad', errors: [{ path: ['title'], message: 'required' }] });
    const problem = error.toProblem('/todos');
    expect(problem).toEqual({ type: 'urn:syncline:error:validation-failed', title: 'Validation failed', status: 422, code: 'validation-failed', detail: 'bad', instance: '/todos', errors: [{ path: ['title'], message: 'required' }] });
    const back = SynclineError.fromProblem(problem);
    expect([back.code, back.status, back.detail]).toEqual(['validation-failed', 422, 'bad']);
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(new SynclineError(code as keyof typeof ERROR_STATUS).status).toBe(status);
  });
});

describe('parseJsonSafely', () => {
  const parse = (text: string, maxDepth = 8) => parseJsonSafely(text, { maxDepth });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as SynclineError).code;
    }
    return 'none';
  };

  it('accepts nesting up to the limit and counts brackets inside strings as text', () => {
    expect(parse('[[[[1]]]]', 4)).toEqual([[[[1]]]]);
    expect(parse('{"a":"[[[[[[[[[[{{{{{{{{\\"]]]"}', 2)).toEqual({ a: '[[[[[[[[[[{{{{{{{{"]]]' });
  });

  it('refuses deeper nesting before parsing, even a million levels', () => {
    expect(codeOf(() => parse('[[[[[1]]]]]', 4))).toBe('json-too-deep');
    expect(codeOf(() => parse('['.repeat(1_000_000), 32))).toBe('json-too-deep');
  });

  it('refuses prototype keys at any depth, escaped or not', () => {
    expect(codeOf(() => parse('{"a":[{"__proto__":{}}]}'))).toBe('forbidden-key');
    expect(codeOf(() => parse('{"\\u005f_proto__":1}'))).toBe('forbidden-key');
    expect(codeOf(() => parse('{"constructor":{"prototype":{}}}'))).toBe('forbidden-key');
  });

  it('answers invalid-json for text that is not JSON', () => {
    expect(codeOf(() => parse('{"a":'))).toBe('invalid-json');
    expect(codeOf(() => parse(''))).toBe('invalid-json');
  });
});
