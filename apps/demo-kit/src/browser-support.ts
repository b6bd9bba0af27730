/**
 * What the demo apps' browser scripts share: the header's connection status line and the
 * page's notices. Browser only (it touches `document`), and free of Node modules, so the
 * bundler can take it into a page's script.
 */
import type { ConnectionState, SynclineClient } from '@syncline/client';

/**
 * The words a user sees for each connection state (checked exhaustively).
 *
 * @example
 * statusText({ kind: 'open' }); // 'Live'
 */
export function statusText(state: ConnectionState): string {
  switch (state.kind) {
    case 'open':
      return 'Live';
    case 'connecting':
      return state.attempt <= 1 ? 'Connecting…' : 'Reconnecting…';
    case 'closed':
      return 'Offline';
  }
}

/**
 * Keeps the header's status line (`#connection`, a `role="status"` region) in step with the
 * client's connection: it stays hidden without JavaScript, where pages are never live. Its
 * `data-transport` says what carries the live views (`socket`, or `sse` where a WebSocket
 * cannot be opened): a support aid, also read by the browser tests.
 *
 * @example
 * showConnectionState(client);
 */
export function showConnectionState(client: SynclineClient): void {
  const element = document.getElementById('connection');
  if (element === null) return;
  const show = (state: ConnectionState): void => {
    element.hidden = false;
    element.dataset['state'] = state.kind;
    element.dataset['transport'] = client.transport();
    element.textContent = statusText(state);
  };
  show(client.state());
  client.onStateChange(show);
  // Moving back to the socket is no change of state (still `open`), but it is one of transport.
  client.on('transport', () => show(client.state()));
}

/**
 * Shows a message in the page's alert region (`#alert`, `role="alert"`, so screen readers
 * announce it), or clears it with an empty message.
 *
 * @example
 * showNotice('This poll was deleted.');
 */
export function showNotice(message: string): void {
  const region = document.getElementById('alert');
  if (region === null) return;
  region.replaceChildren();
  if (message === '') return;
  const paragraph = document.createElement('p');
  paragraph.className = 'notice';
  // textContent, never innerHTML: the message may quote user text.
  paragraph.textContent = message;
  region.append(paragraph);
}
