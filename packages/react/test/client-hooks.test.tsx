// @vitest-environment happy-dom
import { createSyncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { defineAction, defineResource } from '@syncline/schema';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SynclineProvider, useAction, useCollection, useConnectionState, usePresence } from '../src/index.js';
import { connectClient, createTestSyncline, request, todos } from './support.js';

afterEach(() => cleanup());

export const counters = defineResource({
  name: 'counters',
  schema: z.object({ count: z.number().int() }),
  actions: {
    add: defineAction({
      input: z.object({ by: z.number().int().max(10) }),
      handler: async ({ record, input, tx }): Promise<void> => {
        const now = await tx.get(counters, record.id);
        await tx.update(counters, record.id, { count: (now?.count ?? 0) + input.by });
      },
    }),
  },
});

describe('useAction', () => {
  it('runs a record action: live views show its result; a refused call sets error and resolves undefined', async () => {
    const app = await createSyncline({ resources: [counters], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
    await using _app = Object.assign(app, { [Symbol.asyncDispose]: () => app.close() });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    const counter = await client.resource(counters).create({ count: 1 });
    const answers: unknown[] = [];
    function Counter() {
      const { data } = useCollection(counters);
      const { run: add, pending, error } = useAction(counters, 'add');
      return (
        <div>
          <p role="status">{data.map((c) => c.count).join(',')}</p>
          <button onClick={() => void add(counter.id, { by: 2 }).then((answer) => answers.push(answer?.count))}>Add</button>
          <button onClick={() => void add(counter.id, { by: 99 }).then((answer) => answers.push(answer))}>Add too much</button>
          {pending && <p role="progressbar">running</p>}
          {error && <p role="alert">{error.code}</p>}
        </div>
      );
    }
    render(<SynclineProvider client={client}><Counter /></SynclineProvider>);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1'));
    await act(async () => screen.getByRole('button', { name: 'Add' }).click());
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('3'));
    await waitFor(() => expect(answers).toEqual([3]));
    await act(async () => screen.getByRole('button', { name: 'Add too much' }).click());
    expect((await screen.findByRole('alert')).textContent).toBe('validation-failed');
    await waitFor(() => expect(answers).toEqual([3, undefined]));
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('useCollection with an invalid query', () => {
  it('is the error state (invalid-query) and renders, instead of throwing', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    function Bad() {
      const { status, error, data } = useCollection(todos, 'colour=red');
      return <p role="status">{`${status} ${error?.code ?? ''} ${data.length}`}</p>;
    }
    render(<SynclineProvider client={client}><Bad /></SynclineProvider>);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('error invalid-query 0'));
  });
});

describe('usePresence', () => {
  it('shows the members, joins through the hook and leaves when the component unmounts', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const uri = `/lists/${list.id as string}`;
    await using client = connectClient(port);
    await using other = connectClient(port);
    const watcher = other.presence(uri);
    const heard: number[] = [];
    watcher.subscribe((members) => heard.push(members.length));
    function Here() {
      const { members, join } = usePresence(uri);
      return (
        <div>
          <p role="status">{members.map((m) => m.state).join(',')}</p>
          <button onClick={() => void join('editing')}>Edit</button>
        </div>
      );
    }
    function Page() {
      const [shown, setShown] = useState(true);
      return (
        <>
          {shown && <Here />}
          <button onClick={() => setShown(false)}>Close</button>
        </>
      );
    }
    render(<SynclineProvider client={client}><Page /></SynclineProvider>);
    await act(async () => screen.getByRole('button', { name: 'Edit' }).click());
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('editing'));
    await waitFor(() => expect(watcher.members().map((m) => m.state)).toEqual(['editing']));
    await act(async () => screen.getByRole('button', { name: 'Close' }).click());
    await waitFor(() => expect(watcher.members()).toEqual([]));
  });
});

describe('useConnectionState', () => {
  it('follows the client from connecting to open to closed', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    const kinds: string[] = [];
    function Status() {
      const state = useConnectionState();
      kinds.push(state.kind);
      return <p role="status">{state.kind === 'closed' ? `closed: ${state.reason}` : state.kind}</p>;
    }
    render(<SynclineProvider client={client}><Status /></SynclineProvider>);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('open'));
    act(() => client.close());
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^closed: /));
    expect(kinds[0]).toBe('connecting');
  });
});
