import { createClient, type ConnectionState } from '@syncline/client';
import { SynclineProvider, useCollection, useConnectionState, useMutation, useSession } from '@syncline/react';
import { createElement, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { notes } from './resources.js';

function describe(state: ConnectionState): string {
  switch (state.kind) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'open':
      return 'live';
    case 'closed':
      return `closed: ${state.reason}`;
  }
}

function Notes(): ReactNode {
  const session = useSession();
  const state = useConnectionState();
  const { data, status } = useCollection(notes, { order: 'text' });
  const { create } = useMutation(notes);
  const items = data.map((note) => createElement('li', { key: note.id }, `${note.author}: ${note.text}`));
  return createElement(
    'main',
    null,
    createElement('p', null, `${session?.user.username ?? 'signed out'} · ${describe(state)}`),
    status === 'loading' ? createElement('p', null, 'Loading…') : createElement('ul', null, items),
    createElement('button', { onClick: () => void create({ text: 'hello', shared: true }) }, 'Add a note'),
  );
}

// A page served by the Syncline server: the session cookie goes with every request and the socket.
const client = createClient({ url: location.origin });
const root = document.getElementById('app');
if (root) createRoot(root).render(createElement(SynclineProvider, { client }, createElement(Notes)));
