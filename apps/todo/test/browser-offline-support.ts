import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { postJson, type RunningApp } from './browser-harness.js';
import type { Account } from './session-support.js';

/** The checkbox of a todo, named by its title. */
export const checkbox = (page: Page, name: string, checked?: boolean) =>
  page.getByRole('checkbox', { name, exact: true, ...(checked === undefined ? {} : { checked }) });

/** The outbox indicator in the page's header. */
export const outbox = (page: Page) => page.locator('#outbox');

/** Starts recording every text the outbox indicator shows (some last only milliseconds); `seen` answers them. */
export async function watchOutbox(page: Page): Promise<{ seen(): Promise<string[]> }> {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { outboxSeen: string[] }).outboxSeen = []);
    document.addEventListener('DOMContentLoaded', () => {
      const element = document.getElementById('outbox');
      if (element) new MutationObserver(() => seen.push(element.hidden ? '' : (element.textContent ?? ''))).observe(element, { childList: true, characterData: true, subtree: true, attributes: true });
    });
  });
  return { seen: () => page.evaluate(() => (window as unknown as { outboxSeen: string[] }).outboxSeen) };
}

/** A list of `owner`'s shared with `member`, with todos made through the JSON API. */
export async function sharedList(server: RunningApp, owner: Account, member: Account | undefined, title: string, todos: readonly string[] = []): Promise<{ id: string; todos: { id: string; title: string }[] }> {
  const list = await postJson<{ id: string }>(server.base, owner, '/lists', { title });
  if (member) {
    const shared = await fetch(`${server.base}/lists/${list.id}`, { method: 'PATCH', headers: { ...owner.auth, 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ members: [member.username] }) });
    if (shared.status !== 200) throw new Error(`sharing: ${shared.status} ${await shared.text()}`);
  }
  const made: { id: string; title: string }[] = [];
  for (const [order, todo] of todos.entries()) made.push(await postJson(server.base, owner, '/todos', { title: todo, list: list.id, order }));
  return { id: list.id, todos: made };
}

/** Opens the list's page in `context` and waits until it is live. */
export async function openList(context: BrowserContext, server: RunningApp, listId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.base}/lists/${listId}`);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
  return page;
}

/** The position of the server's change log: each applied write adds one (nothing else writes in these tests). */
export async function changeCount(server: RunningApp): Promise<number> {
  await server.app.syncline.flush();
  return server.app.syncline.stats().seq;
}

/** The todos of a list as the server has them (read by `account` through the JSON API). */
export async function serverTodos(server: RunningApp, account: Account, listId: string): Promise<{ title: string; done: boolean }[]> {
  const response = await fetch(`${server.base}/todos?list=${listId}&order=order`, { headers: account.auth });
  const page = (await response.json()) as { items: { title: string; done: boolean }[] };
  return page.items.map(({ title, done }) => ({ title, done }));
}

/** How many writes wait in the page's IndexedDB outbox (the replica of `user` on its origin). */
export function persistedWrites(page: Page, user: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open(name);
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const db = opening.result;
          const counting = db.transaction('outbox', 'readonly').objectStore('outbox').count();
          counting.onsuccess = () => (db.close(), resolve(counting.result));
          counting.onerror = () => (db.close(), reject(counting.error));
        };
      }),
    `syncline:${new URL(page.url()).origin}:${user}`,
  );
}

/** The record writes (PUT, PATCH, DELETE of a list or todo; not presence) a page sends over its sockets and over HTTP, as `METHOD /uri`. */
export function recordWrites(page: Page): string[] {
  const sent: string[] = [];
  const record = (method: string | undefined, uri: string | undefined): void => {
    if ((method === 'PUT' || method === 'PATCH' || method === 'DELETE') && uri !== undefined && /^\/(todos|lists)\/[^/]+$/.test(uri)) sent.push(`${method} ${uri}`);
  };
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const frame = typeof payload === 'string' ? (JSON.parse(payload) as { method?: string; resource?: string }) : {};
      record(frame.method, frame.resource);
    }),
  );
  page.on('request', (request) => record(request.method(), new URL(request.url()).pathname));
  return sent;
}

/**
 * Cuts one page off the server while the server keeps running (Playwright's `setOffline`
 * leaves WebSockets open): its socket is closed and refused, its HTTP requests fail as on
 * a lost network, until `restore`. Install before the page loads; `cut` true starts cut.
 */
export async function networkSwitch(page: Page, startCut = false): Promise<{ cut(): Promise<void>; restore(): void }> {
  let cut = startCut;
  const sockets = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/live$/, (socket) => {
    if (cut) return void socket.close({ code: 1006, reason: 'network down' }).catch(() => {});
    sockets.add(socket);
    socket.connectToServer();
  });
  // The page and its script still load (from the cache, as it were); what the script asks fails.
  const cached = (url: string, type: string): boolean => type === 'document' || new URL(url).pathname.startsWith('/assets/');
  await page.route('**/*', (route) => (cut && !cached(route.request().url(), route.request().resourceType()) ? route.abort('internetdisconnected') : route.fallback()));
  return {
    async cut() {
      cut = true;
      await Promise.all([...sockets].map((socket) => socket.close({ code: 4000, reason: 'network down' }).catch(() => {})));
      sockets.clear();
    },
    restore: () => void (cut = false),
  };
}

/** Renames a todo through the page: its title button opens the in-place field labelled "Title"; Enter saves. */
export async function renameTodo(page: Page, from: string, to: string): Promise<void> {
  await page.getByRole('button', { name: `Edit ${from}`, exact: true }).click();
  const field = page.getByRole('textbox', { name: 'Title', exact: true });
  await field.fill(to);
  await field.press('Enter');
}
