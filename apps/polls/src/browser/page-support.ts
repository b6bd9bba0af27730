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
 * client's connection; without JavaScript it stays hidden, as the page is not live then.
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
}

/**
 * Shows a message in the page's alert region (`role="alert"`), or clears it with an empty one.
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

/**
 * Replaces an element's markup when it changed (a live render of unchanged data touches nothing).
 *
 * @example
 * patchHtml(document.getElementById('results')!, renderResults(poll).value);
 */
export function patchHtml(container: Element, markup: string): void {
  if (container.innerHTML !== markup) container.innerHTML = markup;
}
