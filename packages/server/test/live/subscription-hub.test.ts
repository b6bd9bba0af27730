import { MATCH_ALL } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { createSubscriptionHub, type LiveSubscriber } from '../../src/live/subscription-hub.js';
import { fieldView } from '../../src/pipeline/field-access.js';
import type { Change } from '../../src/storage/storage.js';
import { lists } from '../support/fixtures.js';

const record = (version: number) => ({ id: '1', version, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', title: `v${version}` });
const change = (seq: number): Change => ({ seq, resource: 'lists', id: '1', kind: 'update', before: record(seq - 1), after: record(seq), at: '2026-01-01T00:00:00.000Z' });

describe('the subscription hub', () => {
  it('hands each frame on with its change seq as data, live and while catching up, whatever the subscription id', () => {
    const hub = createSubscriptionHub();
    const sent: Array<[string, number]> = [];
    // An id whose JSON holds the characters a reader by offset would trip on.
    const id = 'a,"seq":1,b';
    const subscriber: LiveSubscriber = { idJson: JSON.stringify(id), position: 0, catchingUp: true, queue: [], send: (frame, seq) => sent.push([frame, seq]) };
    const group = hub.add(subscriber, { definition: lists, kind: 'collection', filter: MATCH_ALL, view: fieldView(lists) });
    hub.deliver(subscriber, group, change(2));
    hub.dispatch(change(3));
    hub.goLive(subscriber, group);
    hub.dispatch(change(4));
    expect(sent.map(([, seq]) => seq)).toEqual([2, 3, 4]);
    for (const [frame, seq] of sent) expect(JSON.parse(frame)).toMatchObject({ event: 'change', subscription: id, seq, op: 'update' });
  });
});
