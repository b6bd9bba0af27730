// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { SynclineProvider, useCollection, useMutation, useRecord } from '../src/index.js';
import { connectClient, createTestSyncline, lists, request, subscriptionFrames, todos, type SentFrames } from './support.js';

afterEach(() => cleanup());

function OpenTodos({ list }: { list: string }) {
  const { data, status, error } = useCollection(todos, { where: { list, done: false }, order: 'order' });
  if (status === 'error') return <p role="alert">{error?.code}</p>;
  if (status === 'loading') return <p>Loading…</p>;
  return (
    <ul aria-label="open todos">
      {data.map((todo) => (
        <li key={todo.id}>{todo.title}</li>
      ))}
    </ul>
  );
}

function ListTitle({ id }: { id: string }) {
  const { data, status } = useRecord(lists, id);
  return <h1>{status === 'ready' ? data?.title : 'Loading…'}</h1>;
}

/**
 * A view's release waits one task (live-state.ts), set when the last component let go; a task
 * set after it runs after it. No time passes: it is the order of tasks that is waited for.
 */
const pastDeferredRelease = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const titles = (): string[] => screen.queryAllByRole('listitem').map((item) => item.textContent ?? '');

describe('useCollection and useRecord on a real server', () => {
  it('a component tree on a live collection and a live record updates when another client writes', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'Groceries' } })).body;
    await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id, order: 1 } });
    await using client = connectClient(port);
    render(
      <SynclineProvider client={client}>
        <ListTitle id={list.id} />
        <OpenTodos list={list.id} />
      </SynclineProvider>,
    );
    expect(screen.getByText('Loading…', { selector: 'p' })).toBeTruthy();
    await screen.findByRole('heading', { name: 'Groceries' });
    await waitFor(() => expect(titles()).toEqual(['Milk']));

    await using other = connectClient(port);
    const eggs = await other.resource(todos).create({ title: 'Eggs', list: list.id, order: 0 });
    await waitFor(() => expect(titles()).toEqual(['Eggs', 'Milk']));
    await other.resource(todos).patch(eggs.id, { done: true });
    await waitFor(() => expect(titles()).toEqual(['Milk']));
    await other.resource(lists).patch(list.id, { title: 'Shopping' });
    await screen.findByRole('heading', { name: 'Shopping' });
    // Another list's todos never show.
    const elsewhere = await other.resource(lists).create({ title: 'Elsewhere' });
    await other.resource(todos).create({ title: 'Nails', list: elsewhere.id });
    await other.resource(todos).create({ title: 'Bread', list: list.id, order: 2 });
    await waitFor(() => expect(titles()).toEqual(['Milk', 'Bread']));
  });

  it('hydrates server-rendered HTML from the loading state, then goes live', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } });
    await using client = connectClient(port);
    const tree = (
      <SynclineProvider client={client}>
        <OpenTodos list={list.id} />
      </SynclineProvider>
    );
    const container = document.createElement('div');
    container.innerHTML = renderToString(tree);
    document.body.append(container);
    expect(container.textContent).toBe('Loading…');
    const errors: unknown[] = [];
    const root = await act(async () => hydrateRoot(container, tree, { onRecoverableError: (error) => errors.push(error) }));
    await waitFor(() => expect(titles()).toEqual(['Milk']));
    expect(errors).toEqual([]);
    act(() => root.unmount());
    container.remove();
    await expect.poll(() => app.stats().subscriptions).toBe(0);
  });

  it('a refused SUBSCRIBE is the error state', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    function Missing() {
      const { status, error, data } = useRecord(lists, 'no-such-list');
      return <p role="status">{`${status} ${error?.code ?? ''} ${data === undefined}`}</p>;
    }
    render(
      <SynclineProvider client={client}>
        <Missing />
      </SynclineProvider>,
    );
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('error not-found true'));
  });
});

describe('useMutation', () => {
  function Editor({ id }: { id: string }) {
    const { data } = useRecord(todos, id);
    const { patch, delete: remove, pending, error } = useMutation(todos);
    seen.push(data?.title);
    return (
      <div>
        <h2>{data?.title ?? '(none)'}</h2>
        <button onClick={() => void patch(id, { title: '' })}>Clear title</button>
        <button onClick={() => void patch(id, { title: 'Oat milk' })}>Rename</button>
        <button onClick={() => void remove(id)}>Delete</button>
        {pending && <p role="progressbar">saving</p>}
        {error && <p role="alert">{error.code}</p>}
      </div>
    );
  }
  let seen: Array<string | undefined> = [];

  it('shows an optimistic write at once, rolls a refused one back and shows its error', async () => {
    seen = [];
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const milk = (await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
    await using client = connectClient(port);
    render(
      <SynclineProvider client={client}>
        <Editor id={milk.id} />
        <OpenTodos list={list.id} />
      </SynclineProvider>,
    );
    await screen.findByRole('heading', { name: 'Milk' });

    // An empty title breaks the schema (422): shown at once, then rolled back, with the error.
    await act(async () => screen.getByRole('button', { name: 'Clear title' }).click());
    expect(screen.queryByRole('progressbar')).toBeTruthy();
    await screen.findByRole('alert');
    expect(screen.getByRole('alert').textContent).toBe('validation-failed');
    expect(screen.getByRole('heading').textContent).toBe('Milk');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(seen).toContain('');
    expect(seen.at(-1)).toBe('Milk');
    await waitFor(() => expect(titles()).toEqual(['Milk']));
    expect((await request(app, 'GET', `/todos/${milk.id}`)).body.title).toBe('Milk');

    // The next write clears the error; an accepted one stays, and every view shows it.
    await act(async () => screen.getByRole('button', { name: 'Rename' }).click());
    expect(screen.queryByRole('alert')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Oat milk');
    await waitFor(() => expect(titles()).toEqual(['Oat milk']));
    expect((await request(app, 'GET', `/todos/${milk.id}`)).body.title).toBe('Oat milk');

    await act(async () => screen.getByRole('button', { name: 'Delete' }).click());
    await waitFor(() => expect(titles()).toEqual([]));
    expect((await request(app, 'GET', `/todos/${milk.id}`)).status).toBe(404);
  });

  it('a write that conflicts (412) rolls back and surfaces the ConflictError', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const milk = (await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
    await using client = connectClient(port);
    // The client read version 1 and holds it without a live view, so it does not hear of the
    // change below: its write goes with a stale If-Match.
    await client.resource(todos).get(milk.id);
    await request(app, 'PATCH', `/todos/${milk.id}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: { title: 'Whole milk' } });
    function Rename() {
      const { patch, error } = useMutation(todos);
      return (
        <div>
          <button onClick={() => void patch(milk.id, { title: 'Oat milk' })}>Rename</button>
          {error && <p role="alert">{`${error.name} ${error.code}`}</p>}
        </div>
      );
    }
    render(
      <SynclineProvider client={client}>
        <Rename />
      </SynclineProvider>,
    );
    await act(async () => screen.getByRole('button', { name: 'Rename' }).click());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('ConflictError precondition-failed'));
    expect((await request(app, 'GET', `/todos/${milk.id}`)).body.title).toBe('Whole milk');
  });
});

describe('subscriptions follow the components', () => {
  it('components on one URI share a subscription, ended on the server when the last one unmounts', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } });
    const sent: SentFrames = [];
    await using client = connectClient(port, sent);
    let setShown: (shown: { a: boolean; b: boolean; title: boolean }) => void = () => {};
    function Page() {
      const [shown, set] = useState({ a: true, b: true, title: true });
      setShown = set;
      return (
        <>
          {shown.title && <ListTitle id={list.id} />}
          {shown.a && <OpenTodos list={list.id} />}
          {shown.b && <OpenTodos list={list.id} />}
        </>
      );
    }
    render(
      <SynclineProvider client={client}>
        <Page />
      </SynclineProvider>,
    );
    await waitFor(() => expect(titles()).toEqual(['Milk', 'Milk']));
    await screen.findByRole('heading', { name: 'L' });
    expect(app.stats().subscriptions).toBe(2);

    act(() => setShown({ a: false, b: true, title: true }));
    // Past the deferred release: the other component still holds the collection.
    await pastDeferredRelease();
    expect(subscriptionFrames(sent).filter((frame) => frame.startsWith('UNSUBSCRIBE'))).toEqual([]);
    expect(app.stats().subscriptions).toBe(2);
    await request(app, 'POST', '/todos', { body: { title: 'Eggs', list: list.id, order: 1 } });
    await waitFor(() => expect(titles()).toEqual(['Milk', 'Eggs']));

    act(() => setShown({ a: false, b: false, title: true }));
    await expect.poll(() => app.stats().subscriptions).toBe(1);
    act(() => setShown({ a: false, b: false, title: false }));
    await expect.poll(() => app.stats().subscriptions).toBe(0);
    expect(subscriptionFrames(sent).filter((frame) => frame.startsWith('SUBSCRIBE'))).toHaveLength(2);

    // Mounting again subscribes again, from the start.
    act(() => setShown({ a: true, b: false, title: false }));
    await waitFor(() => expect(titles()).toEqual(['Milk', 'Eggs']));
    expect(app.stats().subscriptions).toBe(1);
    cleanup();
    await expect.poll(() => app.stats().subscriptions).toBe(0);
  });

  it("strict mode's double mount leaves exactly one subscription, opened once", async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } });
    const sent: SentFrames = [];
    await using client = connectClient(port, sent);
    render(
      <StrictMode>
        <SynclineProvider client={client}>
          <OpenTodos list={list.id} />
          <ListTitle id={list.id} />
        </SynclineProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(titles()).toEqual(['Milk']));
    await screen.findByRole('heading', { name: 'L' });
    await pastDeferredRelease();
    expect(app.stats().subscriptions).toBe(2);
    expect(subscriptionFrames(sent)).toEqual([`SUBSCRIBE /todos?done=false&list=${list.id}&order=order`, `SUBSCRIBE /lists/${list.id}`]);
    cleanup();
    await expect.poll(() => app.stats().subscriptions).toBe(0);
    expect(subscriptionFrames(sent).filter((frame) => frame.startsWith('UNSUBSCRIBE'))).toHaveLength(2);
  });
});
