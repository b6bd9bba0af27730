import { describe, expect, it } from 'vitest';
import { parseStreamEvent, type SynclineError } from '../src/index.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as SynclineError).code;
  }
  return 'none';
};

describe('event-stream events', () => {
  it('parses each documented event by its type', () => {
    expect(parseStreamEvent('snapshot', '{"subscription":0,"resource":"/lists","status":200,"headers":{"content-type":"application/json","syncline-seq":"3"},"body":{"items":[],"next":null}}')).toEqual({
      type: 'snapshot',
      data: { subscription: 0, resource: '/lists', status: 200, headers: { 'content-type': 'application/json', 'syncline-seq': '3' }, body: { items: [], next: null } },
    });
    expect(parseStreamEvent('resumed', '{"subscription":1,"resource":"/lists","status":200,"headers":{"syncline-resume":"resumed","syncline-seq":"4"}}')?.data).toMatchObject({ subscription: 1 });
    expect(parseStreamEvent('reset', '{"subscription":0,"resource":"/lists"}')).toEqual({ type: 'reset', data: { subscription: 0, resource: '/lists' } });
    const frame = '{"event":"change","subscription":0,"seq":5,"op":"leave","resource":"/lists/1","etag":null,"body":null}';
    const both = parseStreamEvent('change', `${frame}\n${frame.replace('"subscription":0', '"subscription":2')}`);
    expect(both?.type === 'change' ? both.data.map((c) => c.subscription) : both).toEqual([0, 2]);
    expect(parseStreamEvent('error', '{"subscription":0,"resource":"/lists","body":{"type":"urn:syncline:error:internal","title":"Internal error","status":500,"code":"internal"}}')?.type).toBe('error');
    expect(parseStreamEvent('message', 'anything')).toBeUndefined();
  });

  it('refuses data that is not the type\'s shape with invalid-frame, and text that is not JSON with invalid-json', () => {
    for (const [type, data] of [
      ['snapshot', '{"subscription":0,"resource":"/lists","status":200,"headers":{},"body":{}}'],
      ['snapshot', '{"subscription":0,"resource":"/lists","status":200,"headers":{"syncline-seq":"-1"},"body":{}}'],
      ['snapshot', `{"subscription":"/lists?title=${'x'.repeat(130)}","resource":"/lists","status":200,"headers":{"syncline-seq":"1"},"body":{}}`],
      ['resumed', '{"subscription":0,"resource":"/lists","status":200,"headers":{"syncline-seq":"4","syncline-resume":"reset"}}'],
      ['reset', '{"resource":"/lists"}'],
      ['reset', '{"subscription":0,"resource":"lists"}'],
      ['change', '{"event":"change","subscription":0,"seq":0,"op":"leave","resource":"/lists/1","etag":null,"body":null}'],
      ['error', '{"subscription":0,"resource":"/lists","body":{"status":500}}'],
    ] as const) {
      expect([type, codeOf(() => parseStreamEvent(type, data))]).toEqual([type, 'invalid-frame']);
    }
    expect(codeOf(() => parseStreamEvent('reset', '{"subscription":'))).toBe('invalid-json');
  });
});
