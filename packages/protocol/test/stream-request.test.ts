import { describe, expect, it } from 'vitest';
import { streamPath, streamSubscriptionsOf, type SynclineError } from '../src/index.js';

const paramsOf = (path: string): URLSearchParams => new URL(`http://localhost${path}`).searchParams;

const refusal = (path: string): { code: string; detail: string | undefined } => {
  try {
    streamSubscriptionsOf(paramsOf(path));
  } catch (error) {
    return { code: (error as SynclineError).code, detail: (error as SynclineError).detail };
  }
  return { code: 'none', detail: undefined };
};

describe('the subscribe list of an event stream', () => {
  it('reads back, in order, the URIs streamPath wrote', () => {
    const uris = ['/todos?list=5&done=false', '/lists', '/todos/01a2'];
    expect(streamSubscriptionsOf(paramsOf(streamPath('/live', uris)))).toEqual(uris);
    expect(streamPath('/live', ['/todos?list=5'])).toBe('/live/events?subscribe=%2Ftodos%3Flist%3D5');
  });

  it('refuses no URI, a URI that is not origin-relative and a URI named twice with 400 bad-request', () => {
    expect(refusal('/live/events')).toMatchObject({ code: 'bad-request', detail: expect.stringContaining('at least one URI') });
    expect(refusal('/live/events?subscribe=todos')).toMatchObject({ code: 'bad-request', detail: expect.stringContaining('"todos"') });
    expect(refusal('/live/events?subscribe=%2F%2Fevil.example%2Ftodos')).toMatchObject({ code: 'bad-request', detail: expect.stringContaining('//evil.example/todos') });
    expect(refusal('/live/events?subscribe=%2Flists&subscribe=%2Flists')).toMatchObject({ code: 'bad-request', detail: expect.stringContaining('once per stream') });
  });
});
