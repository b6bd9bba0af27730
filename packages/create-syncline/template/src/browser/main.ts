import './strict-csp.js';
import { createClient, type LiveView } from '@syncline/client';
import type { RecordOf } from '@syncline/schema';
import { notes } from '../resources.js';

// The page's script, bundled into dist/public/app.js by `npm run build`. The client signs in
// with the server's password sign-in (its cookie keeps you signed in across reloads) and
// follows a live query of your notes over one WebSocket: every change, from this window or
// any other, shows at once.

type Note = RecordOf<typeof notes>;

const client = createClient({ url: location.origin });
const api = client.resource(notes);
let view: LiveView<readonly Note[]> | undefined;

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const signInForm = element<HTMLFormElement>('sign-in');
const notesSection = element<HTMLElement>('notes');
const list = element<HTMLUListElement>('list');
const status = element<HTMLElement>('status');
const error = element<HTMLElement>('error');

/** Runs an action, showing its error (the server's message) instead of losing it. */
async function attempt(action: () => Promise<unknown>): Promise<void> {
  error.textContent = '';
  try {
    await action();
  } catch (failure) {
    error.textContent = failure instanceof Error ? failure.message : String(failure);
  }
}

function render(items: readonly Note[]): void {
  list.replaceChildren(
    ...items.map((note) => {
      const item = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = note.text; // textContent, never innerHTML: a note is shown, not run
      const remove = document.createElement('button');
      remove.textContent = 'Delete';
      remove.addEventListener('click', () => void attempt(() => api.delete(note.id)));
      item.append(text, remove);
      return item;
    }),
  );
  status.textContent = items.length === 0 ? 'No notes yet.' : `${items.length} note${items.length === 1 ? '' : 's'}`;
}

function showSignedIn(username: string): void {
  signInForm.hidden = true;
  notesSection.hidden = false;
  element('username').textContent = username;
  view = api.liveQuery({ order: '-createdAt' });
  view.subscribe(() => render(view?.getSnapshot() ?? []));
  render(view.getSnapshot());
  view.ready.catch((failure: unknown) => (error.textContent = String(failure)));
}

function showSignedOut(): void {
  view?.close();
  view = undefined;
  list.replaceChildren();
  notesSection.hidden = true;
  signInForm.hidden = false;
  status.textContent = 'Sign in, or sign up with a new username and password.';
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(signInForm);
  const username = String(form.get('username'));
  const password = String(form.get('password'));
  const signUp = (event.submitter as HTMLButtonElement | null)?.value === 'sign-up';
  void attempt(async () => {
    const session = signUp ? await client.auth.signUp(username, password) : await client.auth.signIn(username, password);
    signInForm.reset();
    showSignedIn(session.user.username);
  });
});

element<HTMLFormElement>('new-note').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const text = String(new FormData(form).get('text'));
  void attempt(async () => {
    await api.create({ text });
    form.reset();
  });
});

element('sign-out').addEventListener('click', () => void attempt(async () => {
  showSignedOut();
  await client.auth.signOut();
}));

// Signed in already (the session cookie)? Then straight to the notes.
void attempt(async () => {
  const session = await client.auth.refresh();
  if (session === null) showSignedOut();
  else showSignedIn(session.user.username);
});
