// @vitest-environment happy-dom
import { defineResource } from '@syncline/schema';
import { createSyncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SynclineProvider, useCollection, useMutation } from '../src/index.js';
import { connectClient } from './support.js';

afterEach(() => cleanup());

// The README's resource and its React component (README "React", docs/client.md "React"), verbatim.
const notes = defineResource({
  name: 'notes',
  schema: z.object({ text: z.string().min(1), pinned: z.boolean().default(false) }),
});

function PinnedNotes() {
  const { data, status, error } = useCollection(notes, { where: { pinned: true }, order: 'createdAt' });
  const { patch } = useMutation(notes);
  if (status === 'error') return <p role="alert">{error?.message}</p>;
  if (status === 'loading') return <p>Loading…</p>;
  return (
    <ul>{data.map((note) => <li key={note.id} onClick={() => patch(note.id, { pinned: false })}>{note.text}</li>)}</ul>
  );
}

describe("the README's React component", () => {
  it('shows the pinned notes live and unpins one on click', async () => {
    await using syncline = Object.assign(await createSyncline({ resources: [notes], storage: createSqliteStorage({ filename: ':memory:' }) }), {
      async [Symbol.asyncDispose]() {
        await syncline.close();
      },
    });
    const { port } = await syncline.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    await using other = connectClient(port);
    await other.resource(notes).create({ text: 'Buy milk', pinned: true });
    await other.resource(notes).create({ text: 'Not pinned' });
    render(
      <SynclineProvider client={client}>
        <PinnedNotes />
      </SynclineProvider>,
    );
    screen.getByText('Loading…');
    await screen.findByText('Buy milk');
    await other.resource(notes).create({ text: 'Call Ann', pinned: true });
    await screen.findByText('Call Ann');
    screen.getByText('Buy milk').click();
    await waitFor(() => expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Call Ann']));
    await expect.poll(async () => (await other.resource(notes).list({ where: { pinned: true } })).items.map((note) => note.text)).toEqual(['Call Ann']);
  });
});
