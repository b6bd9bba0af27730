// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"fetch": {"disableSameOriginPolicy": true}}}
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignedInSyncline } from '../../server/test/support/signed-in.js';
import { offlineClient, offlineSetUp } from '../../client/test/offline-support/offline-setup.js';
import { fileServer, tempFile } from '../../client/test/support.js';
import { SynclineProvider, useCollection, useConnectionState, useOutbox, useSession } from '../src/index.js';
import { connectClient, lists, request, todos } from './support.js';

afterEach(() => cleanup());

const mergePatch = { 'content-type': 'application/merge-patch+json' };

describe('useConnectionState over event streams', () => {
  it("shows 'connecting' through a server outage after the fallback, then 'open' once, with the live data back", async () => {
    await using file = await tempFile();
    // No socket at this path: the client falls back to event streams and stays there.
    const first = await fileServer(file.filename, 0, { livePath: '/not-here' });
    const { port } = await first.listen();
    await request(first.app, 'POST', '/lists', { body: { title: 'a' } });
    await using client = connectClient(port);
    const shown: string[] = [];
    function Status() {
      const state = useConnectionState();
      const { data } = useCollection(lists, { order: 'title' });
      const now = state.kind;
      if (shown.at(-1) !== now) shown.push(now);
      return (
        <div>
          <p role="status">{now}</p>
          <p role="list">{data.map((list) => list.title).join(',')}</p>
        </div>
      );
    }
    render(<SynclineProvider client={client}><Status /></SynclineProvider>);
    await waitFor(() => expect(screen.getByRole('list').textContent).toBe('a'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('open'));
    expect(client.transport()).toBe('sse');

    await act(() => first.app.close());
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('connecting'), { timeout: 1000 });
    const second = await fileServer(file.filename, port, { livePath: '/not-here' });
    await using _second = second.app;
    await request(second.app, 'POST', '/lists', { body: { title: 'b' } });
    await second.listen();
    await waitFor(() => expect(screen.getByRole('list').textContent).toBe('a,b'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('open'));
    expect(shown).toEqual(['connecting', 'open', 'connecting', 'open']);
  });
});

describe('useOutbox', () => {
  function Outbox() {
    const outbox = useOutbox();
    return <p role="status">{outbox ? `${outbox.pending} ${outbox.reachable ? 'reachable' : 'unreachable'} ${outbox.conflicts.length}` : 'no outbox'}</p>;
  }

  it('is null for a client without offline', async () => {
    const { app, proxy } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = connectClient(proxy.port);
    render(<SynclineProvider client={client}><Outbox /></SynclineProvider>);
    expect(screen.getByRole('status').textContent).toBe('no outbox');
  });

  it('counts the writes waiting while the server is out of reach, and none once they were sent after it came back', async () => {
    const { app, proxy, list, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port);
    await client.ready;
    await client.resource(todos).get(todo.id);
    render(<SynclineProvider client={client}><Outbox /></SynclineProvider>);
    expect(screen.getByRole('status').textContent).toBe('0 reachable 0');

    proxy.cut();
    let writes: Promise<unknown> | undefined;
    act(() => {
      writes = Promise.all([client.resource(todos).patch(todo.id, { done: true }), client.resource(todos).create({ title: 'Bread', list: list.id })]);
    });
    expect(screen.getByRole('status').textContent).toMatch(/^2 /);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('2 unreachable 0'));

    proxy.restore();
    await act(() => writes);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0 reachable 0'));
    expect((await request(app, 'GET', uri)).body.done).toBe(true);
  });

  it('shows a conflict held for the user until it is resolved', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port);
    await client.ready;
    await client.resource(todos).get(todo.id);
    render(<SynclineProvider client={client}><Outbox /></SynclineProvider>);

    proxy.cut();
    let local: Promise<unknown> | undefined;
    act(() => {
      local = client.resource(todos).patch(todo.id, { title: 'Oat milk' }).catch((error: unknown) => error);
    });
    await request(app, 'PATCH', uri, { headers: mergePatch, body: { title: 'Soy milk' } });
    proxy.restore();
    await act(() => local);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0 reachable 1'));
    await act(() => client.resolve(uri, 'server'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0 reachable 0'));
  });
});

describe('useSession', () => {
  it('is null, then the user after client.auth.signIn, then null after signOut', async () => {
    await using app = await createSignedInSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await request(app, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    await using client = connectClient(port);
    const renders: string[] = [];
    function Account() {
      const session = useSession();
      const shown = session ? `${session.user.username} until ${session.expiresAt > Date.now() ? 'later' : 'past'}` : 'signed out';
      renders.push(shown);
      return <p role="status">{shown}</p>;
    }
    render(<SynclineProvider client={client}><Account /></SynclineProvider>);
    expect(screen.getByRole('status').textContent).toBe('signed out');

    await act(() => client.auth.signIn('ana', 'correct horse'));
    expect(screen.getByRole('status').textContent).toBe('ana until later');
    await act(() => client.auth.signOut());
    expect(screen.getByRole('status').textContent).toBe('signed out');
    await expect(client.auth.signIn('ana', 'wrong horse')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(screen.getByRole('status').textContent).toBe('signed out');
    // One render per state: a refused sign-in changes nothing.
    expect(renders).toEqual(['signed out', 'ana until later', 'signed out']);
  });
});
