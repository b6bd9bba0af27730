import type { SynclineClient } from '@syncline/client';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SynclineProvider, useCollection, useMutation, useRecord } from '../src/index.js';
import { connectClient, createTestSyncline, lists, request, todos } from './support.js';

function Page({ list }: { list: string }) {
  const title = useRecord(lists, list);
  const open = useCollection(todos, { where: { list, done: false } });
  const { pending } = useMutation(todos);
  return (
    <main>
      <h1>{title.status === 'ready' ? title.data?.title : `title ${title.status}`}</h1>
      <p>{`todos ${open.status} ${open.data.length}${pending ? ' saving' : ''}`}</p>
    </main>
  );
}

/** A client that records every property read on it: the server must read none. */
function watchedClient(): { client: SynclineClient; touched: PropertyKey[] } {
  const touched: PropertyKey[] = [];
  const client = new Proxy({} as SynclineClient, {
    get(_target, property) {
      touched.push(property);
      return () => {
        throw new Error(`client.${String(property)} called during server rendering`);
      };
    },
  });
  return { client, touched };
}

describe('server rendering (react-dom/server, Node, no DOM)', () => {
  it('renders the loading state and touches no client', () => {
    const { client, touched } = watchedClient();
    const html = renderToString(
      <SynclineProvider client={client}>
        <Page list="some-list" />
      </SynclineProvider>,
    );
    expect(html).toBe('<main><h1>title loading</h1><p>todos loading 0</p></main>');
    expect(touched).toEqual([]);
  });

  it('opens no socket and subscribes to nothing, even with a connected client for the same data', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } });
    // A page rendered on the server with a client whose socket is up: still nothing is subscribed.
    await using client = connectClient(port);
    await client.request({ method: 'GET', resource: '/lists' });
    const before = app.stats();
    const html = renderToString(
      <SynclineProvider client={client}>
        <Page list={list.id} />
      </SynclineProvider>,
    );
    expect(html).toBe('<main><h1>title loading</h1><p>todos loading 0</p></main>');
    await client.request({ method: 'GET', resource: '/lists' });
    expect(app.stats()).toMatchObject({ connections: before.connections, subscriptions: 0 });

    // And with no client connected at all, rendering opens no connection.
    client.close();
    await expect.poll(() => app.stats().connections).toBe(0);
    const { client: idle } = watchedClient();
    renderToString(
      <SynclineProvider client={idle}>
        <Page list={list.id} />
      </SynclineProvider>,
    );
    expect(app.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });
});
