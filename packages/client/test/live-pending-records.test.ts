import { describe, expect, it } from 'vitest';
import { createLiveQuery } from '../src/live/live-query.js';
import { withSchemaDefaults } from '../src/live/pending-defaults.js';
import type { IncomingResponse, SubscriptionHandlers, Subscriptions } from '../src/index.js';
import { createReplicaStore } from '../src/index.js';
import { todos } from './support.js';

/** Subscriptions that hand the test the query's handlers instead of talking to a server. */
function fakeSubscriptions(): { subscriptions: Subscriptions; handlers: () => SubscriptionHandlers } {
  let opened: SubscriptionHandlers | undefined;
  const subscriptions: Subscriptions = {
    open(resource, handlers) {
      opened = handlers;
      return { id: '1', resource, lastSeq: () => undefined, close: () => {} };
    },
    receive: () => false,
    forgetPositions: () => {},
  };
  return { subscriptions, handlers: () => opened ?? expect.fail('no subscription opened') };
}

const noTransport = { request: (): Promise<IncomingResponse> => Promise.reject(new Error('no request expected')) };

describe('a live query over pending records', () => {
  it('shows a pending create that leaves out defaulted fields when the defaults match the filter, placed by them', () => {
    const store = createReplicaStore();
    const { subscriptions, handlers } = fakeSubscriptions();
    const { view } = createLiveQuery<{ id: string; title: string }>({ definition: todos, query: 'list=1&done=false&order=order', store, subscriptions, transport: noTransport });
    handlers().onSnapshot({ items: [{ id: 'a', version: 3, title: 'Milk', done: false, list: '1', order: 1 }], next: null }, 3, false);
    // Made offline: `done` and `order` left to their defaults (false, 0), so it sorts first.
    const pending = { id: 'b', title: 'Bread', list: '1' };
    store.set({ uri: '/todos/b', etag: null, dirty: true, data: pending, base: null });
    store.set({ uri: '/todos/c', etag: null, dirty: true, data: { id: 'c', title: 'Elsewhere', list: '2' }, base: null });
    store.set({ uri: '/todos/d', etag: null, dirty: true, data: { id: 'd', title: 'Done already', list: '1', done: true }, base: null });

    expect(view.getSnapshot().map((todo) => todo.title)).toEqual(['Bread', 'Milk']);
    // The view shows the record as written: the defaults only place it.
    expect(view.getSnapshot()[0]).toBe(pending);
  });

  it('fills only missing, visible fields with their defaults; optional fields stay absent', () => {
    const record = { id: 'b', title: 'Bread', list: '1', done: true };
    expect(withSchemaDefaults(todos, record)).toEqual({ id: 'b', title: 'Bread', list: '1', done: true, order: 0 });
    const full = { ...record, order: 4 };
    expect(withSchemaDefaults(todos, full)).toBe(full);
  });
});
