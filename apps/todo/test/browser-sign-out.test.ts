import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, signedInContext, startApp, type RunningApp } from './browser-harness.js';
import type { Account } from './session-support.js';
import { networkSwitch, outbox, persistedWrites, renameTodo, sharedList } from './browser-offline-support.js';

// Waits are Playwright's auto-waiting and polls on what the browser holds, no sleeps.
const OFFLINE_MS = 10_000;
const BACK_MS = 30_000;
const browser: Browser | undefined = await launchChromium();

/** Texts only this user's records hold: none may be found in the browser after signing out. */
const SECRETS = ['Ana private list', 'Call the notary', 'Hide the spare key', 'Notary at noon'];

/** Everything the origin's storage holds that a page can read: IndexedDB databases and their records, Web Storage, Cache Storage. */
interface Leftovers {
  readonly databases: string[];
  readonly text: string;
}

/**
 * What is left in the browser for the origin, read from a blank page of it (served by the
 * test, so no app script runs there and nothing is opened again by reading).
 */
async function leftovers(context: BrowserContext, base: string): Promise<Leftovers> {
  await context.route(`${base}/blank`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
  const page = await context.newPage();
  try {
    await page.goto(`${base}/blank`);
    return await page.evaluate(async () => {
      const databases = (await indexedDB.databases()).flatMap((database) => (database.name === undefined ? [] : [database.name]));
      const parts: string[] = [];
      for (const name of databases) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const opening = indexedDB.open(name);
          opening.onsuccess = () => resolve(opening.result);
          opening.onerror = () => reject(opening.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown[]>((resolve, reject) => {
            const reading = db.transaction(store, 'readonly').objectStore(store).getAll();
            reading.onsuccess = () => resolve(reading.result);
            reading.onerror = () => reject(reading.error);
          });
          parts.push(JSON.stringify(all));
        }
        db.close();
      }
      for (const storage of [localStorage, sessionStorage]) {
        for (let i = 0; i < storage.length; i++) parts.push(`${storage.key(i)}=${storage.getItem(storage.key(i) ?? '')}`);
      }
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) parts.push(request.url, (await (await cache.match(request))?.text()) ?? '');
      }
      return { databases, text: parts.join('\n') };
    });
  } finally {
    await page.close();
  }
}

/** Ana's list with her todos, her page on it (loaded and live, the replica filled), and something left in Web Storage and Cache Storage as other scripts might. */
async function anaOnHerList(server: RunningApp): Promise<{ context: BrowserContext; account: Account; page: Page; network: Awaited<ReturnType<typeof networkSwitch>>; list: { id: string } }> {
  const { context, account: ana } = await signedInContext(browser!, server.base, 'ana');
  const list = await sharedList(server, ana, undefined, SECRETS[0]!, [SECRETS[1]!, SECRETS[2]!]);
  const page = await context.newPage();
  const network = await networkSwitch(page);
  await page.goto(`${server.base}/lists/${list.id}`);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
  await page.evaluate(async (secret) => {
    localStorage.setItem('draft', secret);
    sessionStorage.setItem('last-list', secret);
    await (await caches.open('pages')).put('/draft', new Response(secret));
  }, SECRETS[1]!);
  // The replica holds her records before she signs out (what this test proves gone).
  await expect.poll(async () => (await leftovers(context, server.base)).text).toContain(SECRETS[2]);
  return { context, account: ana, page, network, list };
}

/** The titles of every todo on the server, in order (read by the server itself: the user's session is over). */
async function todoTitles(server: RunningApp): Promise<string[]> {
  const outcome = await server.app.syncline.execute({ method: 'GET', uri: '/todos?order=order', headers: { accept: 'application/json' }, body: undefined, context: { transport: 'internal' } });
  return (outcome.body as { items: { title: string }[] }).items.map((todo) => todo.title);
}

function expectNothingOf(found: Leftovers, user: string): void {
  expect(found.databases.filter((name) => name.endsWith(`:${user}`))).toEqual([]);
  for (const secret of SECRETS) expect(found.text).not.toContain(secret);
}

describe.skipIf(browser === undefined)('signing out of the TODO app, in Chromium', () => {
  let server: RunningApp;
  beforeEach(async () => {
    server = await startApp();
  });
  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
    await server?.dispose();
  });

  it('sends the change made offline, then leaves nothing of the user in the browser, and ends the session', { timeout: 120_000 }, async () => {
    const { context, account, page, network, list } = await anaOnHerList(server);
    await network.cut();
    await outbox(page).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    await renameTodo(page, SECRETS[1]!, SECRETS[3]!);
    await outbox(page).filter({ hasText: /^Offline, 1 change waiting$/ }).waitFor({ timeout: 2_000 });
    expect(await persistedWrites(page, 'ana')).toBe(1);
    network.restore();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.base}/sign-in`, { timeout: BACK_MS });
    expectNothingOf(await leftovers(context, server.base), 'ana');
    // What waited reached the server before the replica went; the session is over.
    expect(await todoTitles(server)).toEqual([SECRETS[3], SECRETS[2]]);
    expect((await context.cookies(server.base)).map((cookie) => cookie.name)).not.toContain('syncline_session');
    expect((await fetch(`${server.base}/lists/${list.id}`, { headers: { accept: 'application/json', cookie: account.cookie } })).status).toBe(401);
  });

  it('with the server stopped, asks before discarding what waits: staying keeps it all; discarding leaves nothing of the user', { timeout: 120_000 }, async () => {
    const { context, page } = await anaOnHerList(server);
    await server.stop();
    await outbox(page).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    await renameTodo(page, SECRETS[1]!, SECRETS[3]!);
    await outbox(page).filter({ hasText: /^Offline, 1 change waiting$/ }).waitFor({ timeout: 2_000 });

    const ask = page.getByRole('dialog', { name: '1 change has not reached the server (it is out of reach). Signing out now deletes it from this browser.' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await ask.waitFor({ timeout: BACK_MS });
    await ask.getByRole('button', { name: 'Stay signed in and send them later' }).click();
    await ask.waitFor({ state: 'detached' });
    // Nothing was deleted: the change still waits, shown and persisted.
    expect(await persistedWrites(page, 'ana')).toBe(1);
    await outbox(page).filter({ hasText: /^Offline, 1 change waiting$/ }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await ask.waitFor({ timeout: BACK_MS });
    await ask.getByRole('button', { name: 'Discard them and sign out' }).click();
    // The form then goes to a server that does not answer; the browser keeps nothing of hers meanwhile.
    await expect.poll(async () => (await leftovers(context, server.base)).databases, { timeout: BACK_MS }).not.toContain(`syncline:${server.base}:ana`);
    expectNothingOf(await leftovers(context, server.base), 'ana');
    await server.restart();
    // Discarded: the server never got the rename.
    expect(await todoTitles(server)).toEqual([SECRETS[1], SECRETS[2]]);
  });

  it('signing out from a polls page deletes the user’s TODO replica too', { timeout: 120_000 }, async () => {
    const { context, page } = await anaOnHerList(server);
    await page.goto(`${server.base}/polls`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.base}/sign-in`, { timeout: BACK_MS });
    expectNothingOf(await leftovers(context, server.base), 'ana');
  });
});
