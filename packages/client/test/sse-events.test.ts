import { describe, expect, it, vi } from 'vitest';
import type { ChangeEvent, SynclineError } from '@syncline/protocol';
import { createStreamSubscriptions } from '../src/index.js';

/** A fetch answering one event stream whose text is `body`, then holding it open. */
function streamOf(body: string): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
        },
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );
}

const snapshot = (seq: number, extra: object = {}) => JSON.stringify({ subscription: 0, resource: '/lists', status: 200, headers: { 'syncline-seq': String(seq) }, body: { items: [], next: null }, ...extra });
const change = (seq: number, extra: object = {}) => JSON.stringify({ event: 'change', subscription: 0, seq, op: 'enter', resource: `/lists/${seq}`, etag: `"${seq}"`, body: { id: String(seq), title: 't' }, ...extra });

async function follow(body: string) {
  const errors: unknown[] = [];
  const snapshots: Array<[unknown, number, boolean]> = [];
  const changes: ChangeEvent[] = [];
  const refused: SynclineError[] = [];
  const streams = createStreamSubscriptions({ baseUrl: 'http://example.test', fetch: streamOf(body), onError: (error) => errors.push(error), minDelayMs: 10_000, maxDelayMs: 10_000 });
  streams.open('/lists', { onSnapshot: (...args) => snapshots.push(args), onChange: (event) => changes.push(event), onError: (error) => refused.push(error) });
  return { streams, errors, snapshots, changes, refused };
}

describe('event-stream events are parsed with the protocol schemas', () => {
  it('a snapshot, a reset snapshot and changes are applied; one event may carry several frames', async () => {
    const body = `event: snapshot\ndata: ${snapshot(3)}\n\nevent: change\ndata: ${change(4)}\ndata: ${change(5)}\n\nevent: reset\ndata: {"subscription":0,"resource":"/lists"}\n\nevent: snapshot\ndata: ${snapshot(9, { headers: { 'syncline-seq': '9', 'syncline-resume': 'reset' } })}\n\n`;
    const { streams, errors, snapshots, changes } = await follow(body);
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots.map(([, seq, reset]) => [seq, reset])).toEqual([[3, false], [9, true]]);
    expect(changes.map((c) => [c.seq, c.subscription])).toEqual([[4, 'e1'], [5, 'e1']]);
    expect(errors).toEqual([]);
    streams.close();
  });

  it.each([
    ['a snapshot without syncline-seq', `event: snapshot\ndata: ${snapshot(3, { headers: {} })}\n\n`, 'headers.syncline-seq'],
    ['a snapshot whose subscription is a URI past 128 characters', `event: snapshot\ndata: ${snapshot(3, { subscription: `/lists?title=${'x'.repeat(130)}` })}\n\n`, 'subscription'],
    ['a change with an unknown op', `event: change\ndata: ${change(4, { op: 'moved' })}\n\n`, 'op'],
    ['a change without seq', `event: change\ndata: ${change(4, { seq: undefined })}\n\n`, 'seq'],
    ['a resumed event that does not say resumed', `event: resumed\ndata: {"subscription":0,"resource":"/lists","status":200,"headers":{"syncline-seq":"4"}}\n\n`, 'syncline-resume'],
    ['a reset event without its resource', 'event: reset\ndata: {"subscription":0}\n\n', 'resource'],
  ])('%s is refused as invalid-frame and applies nothing; the stream goes on', async (_name, bad, where) => {
    const { streams, errors, snapshots, changes } = await follow(`${bad}event: snapshot\ndata: ${snapshot(7)}\n\n`);
    await vi.waitFor(() => expect(snapshots).toHaveLength(1));
    expect(snapshots[0]?.[1]).toBe(7);
    expect(changes).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'invalid-frame', detail: expect.stringContaining(where) });
    streams.close();
  });

  it('an error event is reported with its problem', async () => {
    const problem = { type: 'urn:syncline:error:unavailable', title: 'Service unavailable', status: 503, code: 'unavailable', detail: 'The database cannot be reached right now.' };
    const { streams, errors, refused } = await follow(`event: snapshot\ndata: ${snapshot(3)}\n\nevent: error\ndata: ${JSON.stringify({ subscription: 0, resource: '/lists', body: problem })}\n\n`);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'unavailable', detail: problem.detail });
    expect(refused).toEqual([]);
    streams.close();
  });

  it('an event type it does not know is skipped (a newer server may add some)', async () => {
    const { streams, errors, snapshots } = await follow(`event: later\ndata: {"anything":1}\n\nevent: snapshot\ndata: ${snapshot(2)}\n\n`);
    await vi.waitFor(() => expect(snapshots).toHaveLength(1));
    expect(errors).toEqual([]);
    streams.close();
  });
});
