import type { Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, postJson, signedInContext, startApp, type RunningApp } from './browser-harness.js';
import { changeCount, checkbox, networkSwitch, openList, outbox, persistedWrites, recordWrites, renameTodo, serverTodos, sharedList, watchOutbox } from './browser-offline-support.js';

// The server is really stopped (Playwright's setOffline leaves WebSockets open) and started
// again on the same port and SQLite file. Waits are Playwright's auto-waiting, no sleeps:
// OFFLINE_MS covers the client noticing (a refused reconnect), BACK_MS its way back (backoff
// of 3 s at most, and a request that waited for the socket gives up after 10 s).
const OFFLINE_MS = 10_000;
const BACK_MS = 30_000;
const browser: Browser | undefined = await launchChromium();

describe.skipIf(browser === undefined)('the TODO app offline, in Chromium', () => {
  let server: RunningApp;
  beforeEach(async () => {
    server = await startApp();
  });
  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
    await server?.dispose();
  });

  it('keeps working with the server stopped; a page opened later in the same profile sends what waits, once, and another user sees it', { timeout: 120_000 }, async () => {
    const { context: anaBrowser, account: ana } = await signedInContext(browser!, server.base, 'ana');
    const { context: bobBrowser, account: bob } = await signedInContext(browser!, server.base, 'bob');
    const list = await sharedList(server, ana, bob, 'Groceries');
    const anaPage = await openList(anaBrowser, server, list.id);
    const bobPage = await openList(bobBrowser, server, list.id);
    const before = await changeCount(server);

    await server.stop();
    await outbox(anaPage).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    for (const title of ['Milk', 'Eggs']) {
      await anaPage.getByLabel('New todo').fill(title);
      await anaPage.getByLabel('New todo').press('Enter');
      // Shown at once, from the replica.
      await checkbox(anaPage, title).waitFor({ timeout: 1_000 });
    }
    await checkbox(anaPage, 'Milk').check();
    await outbox(anaPage).filter({ hasText: /^Offline, 3 changes waiting$/ }).waitFor({ timeout: 1_000 });
    // The status line agrees, though the client fell back to event streams that cannot connect either.
    expect(await anaPage.getByRole('status').textContent()).toBe('Reconnecting…');
    // Durable before the page goes: the three writes are in the user's IndexedDB outbox.
    await expect.poll(() => persistedWrites(anaPage, 'ana'), { timeout: 2_000 }).toBe(3);
    await anaPage.close();

    await server.restart();
    // Meanwhile someone else's change reaches the server: the next page is rendered with it.
    await postJson(server.base, bob, '/todos', { title: 'Bread', list: list.id, order: 5 });
    // The next page of the same profile loads with its network cut: the server-rendered list
    // with the replica's pending changes on top, all waiting; then the network returns.
    const later = await anaBrowser.newPage();
    const network = await networkSwitch(later, true);
    const indicator = await watchOutbox(later);
    await later.goto(`${server.base}/lists/${list.id}`);
    await outbox(later).filter({ hasText: /^Offline, 3 changes waiting$/ }).waitFor({ timeout: OFFLINE_MS });
    expect(await checkbox(later, 'Milk').isChecked()).toBe(true);
    expect(await checkbox(later, 'Eggs').isChecked()).toBe(false);
    expect(await checkbox(later, 'Bread').isChecked()).toBe(false);
    network.restore();
    await outbox(later).waitFor({ state: 'hidden', timeout: BACK_MS });
    expect(await indicator.seen()).toContain('Sending 3 changes…');
    expect(await outbox(later).getAttribute('data-waiting')).toBe('0');
    expect(await persistedWrites(later, 'ana')).toBe(0);

    // The other user's page, open all along, sees them once it is back.
    await checkbox(bobPage, 'Milk', true).waitFor({ timeout: BACK_MS });
    await checkbox(bobPage, 'Eggs', false).waitFor();
    expect(await serverTodos(server, bob, list.id)).toEqual([{ title: 'Milk', done: true }, { title: 'Eggs', done: false }, { title: 'Bread', done: false }]);
    // Bob's todo, then two creates and one edit: four changes, none applied twice.
    expect((await changeCount(server)) - before).toBe(4);
  });

  it('merges edits of different fields made offline in two browsers: both show the new title, done', { timeout: 120_000 }, async () => {
    const { context: anaBrowser, account: ana } = await signedInContext(browser!, server.base, 'ana');
    const { context: bobBrowser, account: bob } = await signedInContext(browser!, server.base, 'bob');
    const list = await sharedList(server, ana, bob, 'Calls', ['Call Ann']);
    const anaPage = await openList(anaBrowser, server, list.id);
    const bobPage = await openList(bobBrowser, server, list.id);
    const before = await changeCount(server);

    await server.stop();
    for (const page of [anaPage, bobPage]) await outbox(page).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    await renameTodo(anaPage, 'Call Ann', 'Call Ann at 5');
    await checkbox(bobPage, 'Call Ann').check();
    for (const page of [anaPage, bobPage]) await outbox(page).filter({ hasText: /^Offline, 1 change waiting$/ }).waitFor({ timeout: 1_000 });

    await server.restart();
    for (const page of [anaPage, bobPage]) {
      await checkbox(page, 'Call Ann at 5', true).waitFor({ timeout: BACK_MS });
      await outbox(page).waitFor({ state: 'hidden', timeout: BACK_MS });
    }
    expect(await serverTodos(server, ana, list.id)).toEqual([{ title: 'Call Ann at 5', done: true }]);
    // The first edit, then the merge written over it (If-Match on the version it merged with).
    expect((await changeCount(server)) - before).toBe(2);
    expect(await anaPage.getByRole('dialog').count()).toBe(0);
  });

  it('two tabs of one profile offline: both edit, each shows the other’s edits, one tab sends, nothing twice', { timeout: 120_000 }, async () => {
    const { context, account: ana } = await signedInContext(browser!, server.base, 'ana');
    const list = await sharedList(server, ana, undefined, 'Shop', ['Bread', 'Old']);
    const first = await openList(context, server, list.id);
    const second = await openList(context, server, list.id);
    const writes = [recordWrites(first), recordWrites(second)];
    const before = await changeCount(server);

    await server.stop();
    for (const page of [first, second]) await outbox(page).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    await first.getByLabel('New todo').fill('Jam');
    await first.getByLabel('New todo').press('Enter');
    await checkbox(second, 'Bread').check();
    await second.getByRole('button', { name: 'Delete Old', exact: true }).click();
    // The tabs share one replica and outbox: each shows the other's edits, and both wait.
    for (const page of [first, second]) {
      await checkbox(page, 'Jam').waitFor({ timeout: 2_000 });
      await checkbox(page, 'Bread', true).waitFor({ timeout: 2_000 });
      await checkbox(page, 'Old').waitFor({ state: 'detached', timeout: 2_000 });
      await outbox(page).filter({ hasText: /^Offline, 3 changes waiting$/ }).waitFor({ timeout: 2_000 });
    }

    await server.restart();
    for (const page of [first, second]) {
      await outbox(page).waitFor({ state: 'hidden', timeout: BACK_MS });
      await checkbox(page, 'Jam', false).waitFor({ timeout: BACK_MS });
      await checkbox(page, 'Bread', true).waitFor();
    }
    expect(await serverTodos(server, ana, list.id)).toEqual([{ title: 'Bread', done: true }, { title: 'Jam', done: false }]);
    expect((await changeCount(server)) - before).toBe(3);
    // Only the tab holding the outbox lock sent (perhaps retrying while the server was down).
    expect(writes.map((sent) => sent.length > 0).sort()).toEqual([false, true]);
    expect(new Set(writes.flat().map((write) => write.split(' ')[0]))).toEqual(new Set(['PUT', 'PATCH', 'DELETE']));
  });

  it('asks which title to keep when the same field changed offline and elsewhere, and writes the choice', { timeout: 120_000 }, async () => {
    const { context: anaBrowser, account: ana } = await signedInContext(browser!, server.base, 'ana');
    const { context: bobBrowser, account: bob } = await signedInContext(browser!, server.base, 'bob');
    const list = await sharedList(server, ana, bob, 'Calls', ['Call Ann']);
    // Ana's page alone loses the network; the server and Bob's page stay up.
    const anaPage = await anaBrowser.newPage();
    const network = await networkSwitch(anaPage);
    await anaPage.goto(`${server.base}/lists/${list.id}`);
    await anaPage.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    const bobPage = await openList(bobBrowser, server, list.id);

    await network.cut();
    await outbox(anaPage).filter({ hasText: /^Offline$/ }).waitFor({ timeout: OFFLINE_MS });
    await renameTodo(anaPage, 'Call Ann', 'Call Ann at 5');
    await renameTodo(bobPage, 'Call Ann', 'Call Bob');
    await checkbox(bobPage, 'Call Bob').waitFor();
    network.restore();

    const prompt = anaPage.getByRole('dialog', { name: '“Call Ann” was changed elsewhere: keep yours (“Call Ann at 5”) or theirs (“Call Bob”)?' });
    await prompt.waitFor({ timeout: BACK_MS });
    // Until the user decides, the page shows the server's version; nothing waits.
    await checkbox(anaPage, 'Call Bob').waitFor();
    await outbox(anaPage).waitFor({ state: 'hidden' });
    // A modal dialog: focus is in it, on its first choice; the keyboard answers.
    await expect.poll(() => prompt.getByRole('button', { name: 'Keep yours' }).evaluate((button) => button === document.activeElement)).toBe(true);
    await anaPage.keyboard.press('Enter');
    await prompt.waitFor({ state: 'detached' });
    for (const page of [anaPage, bobPage]) await checkbox(page, 'Call Ann at 5').waitFor({ timeout: BACK_MS });
    expect(await serverTodos(server, bob, list.id)).toEqual([{ title: 'Call Ann at 5', done: false }]);
  });
});
