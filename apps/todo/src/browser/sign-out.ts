import { UnsentWritesError, type SynclineClient } from '@syncline/client';
import { SIGN_IN_PATH } from '../pages/routes.js';

/** How long signing out waits for the changes still waiting to reach the server. */
const SEND_TIMEOUT_MS = 4_000;

/**
 * What the dialog says when changes cannot be sent before signing out.
 *
 * @example
 * unsentMessage(2, 0); // '2 changes have not reached the server (it is out of reach). Signing out now deletes them from this browser.'
 */
export function unsentMessage(waiting: number, conflicts: number): string {
  const changes = waiting === 0 ? '' : `${waiting} change${waiting === 1 ? ' has' : 's have'} not reached the server (it is out of reach)`;
  const held = conflicts === 0 ? '' : `${conflicts} conflict${conflicts === 1 ? ' waits' : 's wait'} for your choice`;
  return `${[changes, held].filter(Boolean).join(', and ')}. Signing out now deletes ${waiting + conflicts === 1 ? 'it' : 'them'} from this browser.`;
}

/** Is this the header's sign-out form (`POST /session` with `_method=DELETE`)? */
function isSignOutForm(form: HTMLFormElement): boolean {
  return form.method === 'post' && new URL(form.action).pathname === '/session' && new FormData(form).get('_method') === 'DELETE';
}

/**
 * Signing out leaves nothing of the user in this browser. The sign-out form is held back
 * while the client sends what waits in the outbox and deletes the user's replica
 * (`client.destroy`: the IndexedDB database, and every other tab of it closes); Web Storage
 * and Cache Storage of the origin are emptied; then the form is posted and the server ends
 * the session (its answer also clears the HTTP cache). When changes cannot be sent, the user
 * chooses: stay signed in (they are sent later), or discard them and sign out. Without
 * JavaScript the form posts as it is and the server signs out.
 *
 * @example
 * startSignOut(client, showNotice);
 */
export function startSignOut(client: SynclineClient, onNotice: (message: string) => void): void {
  let busy = false;
  // Signed out in another tab: its replica is gone, and so goes this page's view of it
  // (reloading the page now would load the user's records, and a replica, again).
  client.on('destroyed', () => {
    const text = document.createElement('p');
    text.append('You signed out in another tab. ');
    const link = document.createElement('a');
    link.href = SIGN_IN_PATH;
    link.textContent = 'Sign in';
    text.append(link);
    const main = document.createElement('main');
    main.append(text);
    document.body.replaceChildren(main);
  });
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !isSignOutForm(form)) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    signOut(client, onNotice).then(
      (leave) => (leave ? form.submit() : void (busy = false)),
      (error: unknown) => {
        busy = false;
        onNotice(`Signing out failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
}

/** True once the user's data is gone and the form may go to the server; false when they chose to stay. */
async function signOut(client: SynclineClient, onNotice: (message: string) => void): Promise<boolean> {
  if (client.outbox.size() > 0) onNotice('Sending your changes before signing out…');
  try {
    await client.destroy({ timeoutMs: SEND_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof UnsentWritesError)) throw error;
    onNotice('');
    if ((await askUnsent(unsentMessage(error.waiting, error.conflicts))) === 'stay') return false;
    await client.destroy({ pending: 'discard' });
  }
  await forgetWebStorage();
  return true;
}

/**
 * The origin's Web Storage and Cache Storage. The demo keeps nothing of its own there, so
 * emptying them loses nothing; it removes whatever else may have been left for this user.
 */
async function forgetWebStorage(): Promise<void> {
  localStorage.clear();
  sessionStorage.clear();
  if (typeof caches === 'undefined') return;
  for (const name of await caches.keys()) await caches.delete(name);
}

/** A modal dialog with the choice; resolves with it (Escape is refused: staying is a button). */
function askUnsent(message: string): Promise<'stay' | 'discard'> {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'conflict';
    dialog.setAttribute('aria-labelledby', 'unsent-message');
    const text = document.createElement('p');
    text.id = 'unsent-message';
    text.textContent = message;
    const button = (label: string, choice: 'stay' | 'discard'): HTMLButtonElement => {
      const element = document.createElement('button');
      element.type = 'button';
      element.textContent = label;
      element.addEventListener('click', () => {
        dialog.close();
        dialog.remove();
        resolve(choice);
      });
      return element;
    };
    const actions = document.createElement('div');
    actions.className = 'conflict-actions';
    actions.append(button('Stay signed in and send them later', 'stay'), button('Discard them and sign out', 'discard'));
    dialog.append(text, actions);
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
  });
}
