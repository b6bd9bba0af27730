import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@syncline/server';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTodoApp } from '../src/create-todo-app.js';
import { contextFor, launchChromium, postJson, signedInContext, startApp, type RunningApp } from './browser-harness.js';
import { FAST_SCRYPT, type Account } from './session-support.js';

// Another viewer's editing must show within a second (every wait is Playwright's auto-waiting, no sleeps).
const LIVE_MS = 1_000;
const ARTIFACTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}todo-presence.png`;
const browser: Browser | undefined = await launchChromium();

const checkbox = (page: Page, name: string, checked?: boolean): Locator =>
  page.getByRole('checkbox', { name, exact: true, ...(checked === undefined ? {} : { checked }) });
/** A todo's title, as a button that opens its title field. */
const titleButton = (page: Page, title: string): Locator => page.getByRole('button', { name: `Edit ${title}`, exact: true });
/** The open title field (one per page). */
const titleField = (page: Page): Locator => page.getByRole('textbox', { name: 'Title', exact: true });
const rowOf = (page: Page, title: string): Locator => page.locator('li.todo', { has: checkbox(page, title) });
const viewers = (page: Page, text: string): Locator => page.locator('#viewers[aria-live="polite"]').filter({ hasText: new RegExp(`^${text.replace(/[()]/g, '\\$&')}$`) });
const isFocused = (locator: Locator): Promise<boolean> => locator.evaluate((element) => element === document.activeElement);

/**
 * A TCP proxy to a local port whose connections can be frozen: from then on nothing passes
 * either way and nothing is closed, as when a client's network vanishes (a half-open socket).
 */
async function startFreezableProxy(port: number): Promise<{ base: string; freeze(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('error', () => {});
      from.on('close', () => sockets.delete(from));
      from.on('data', (chunk) => void (frozen || to.write(chunk)));
      from.on('end', () => void (frozen || to.end()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    base: `http://127.0.0.1:${address.port}`,
    freeze: () => void (frozen = true),
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function openList(context: BrowserContext, base: string, listId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/lists/${encodeURIComponent(listId)}`);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
  return page;
}

describe.skipIf(browser === undefined)('the TODO app: titles edited in place, and who is viewing and editing', () => {
  let server: RunningApp;
  let ana: { context: BrowserContext; account: Account };
  let bob: { context: BrowserContext; account: Account };
  /** A list of ana's, shared with bob, with these todos. */
  const sharedList = async (title: string, todos: readonly string[]): Promise<string> => {
    const list = await postJson<{ id: string }>(server.base, ana.account, '/lists', { title });
    const shared = await fetch(`${server.base}/lists/${list.id}`, {
      method: 'PATCH',
      headers: { ...ana.account.auth, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ members: ['bob'] }),
    });
    expect(shared.status).toBe(200);
    for (const [order, todo] of todos.entries()) await postJson(server.base, ana.account, '/todos', { title: todo, list: list.id, order });
    return list.id;
  };
  const titlesOnServer = async (listId: string): Promise<string[]> => {
    const response = await fetch(`${server.base}/todos?list=${encodeURIComponent(listId)}&order=order`, { headers: ana.account.auth });
    return ((await response.json()) as { items: { title: string }[] }).items.map((todo) => todo.title);
  };

  beforeAll(async () => {
    server = await startApp();
    ana = await signedInContext(browser!, server.base, 'ana');
    bob = await signedInContext(browser!, server.base, 'bob');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shows “ana is editing” beside the todo to bob within a second, then the new title; both see who is viewing; closing the page leaves', { timeout: 60_000 }, async () => {
    const listId = await sharedList('Groceries', ['Milk', 'Eggs']);
    const pageA = await openList(ana.context, server.base, listId);
    const pageB = await openList(bob.context, server.base, listId);
    await viewers(pageA, 'Viewing: ana (you), bob').waitFor({ timeout: LIVE_MS });
    await viewers(pageB, 'Viewing: bob (you), ana').waitFor({ timeout: LIVE_MS });

    // Ana activates Milk's title: a field labelled “Title”, focused, its text selected, so typing replaces it.
    await titleButton(pageA, 'Milk').click();
    const field = titleField(pageA);
    expect(await isFocused(field)).toBe(true);
    await field.pressSequentially('Oat milk');
    await rowOf(pageB, 'Milk').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(await pageB.getByText('ana is editing').count()).toBe(1);
    // Ana's own page shows no indicator for herself.
    expect(await pageA.getByText('is editing').count()).toBe(0);

    // Live re-renders while she types: a todo is added and bob ticks Milk. Her field is the same
    // element, still focused, with what she typed; bob's indicator survives his own re-renders.
    await field.evaluate((element) => element.setAttribute('data-marker', 'kept'));
    await postJson(server.base, bob.account, '/todos', { title: 'Bread', list: listId, order: 2 });
    await checkbox(pageA, 'Bread').waitFor({ timeout: LIVE_MS });
    await checkbox(pageB, 'Milk').check();
    await pageA.locator('li.todo.done', { has: checkbox(pageA, 'Milk', true) }).waitFor({ timeout: LIVE_MS });
    expect(await field.getAttribute('data-marker')).toBe('kept');
    expect(await field.inputValue()).toBe('Oat milk');
    expect(await isFocused(field)).toBe(true);
    await rowOf(pageB, 'Milk').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    mkdirSync(ARTIFACTS, { recursive: true });
    await pageB.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SCREENSHOT}`);

    // Enter saves: the indicator goes, the new title shows to bob, and ana is back on her title.
    await field.press('Enter');
    await pageB.getByText('ana is editing').waitFor({ state: 'detached', timeout: LIVE_MS });
    await checkbox(pageB, 'Oat milk', true).waitFor({ timeout: LIVE_MS });
    expect(await isFocused(titleButton(pageA, 'Oat milk'))).toBe(true);
    expect(await titlesOnServer(listId)).toEqual(['Oat milk', 'Eggs', 'Bread']);

    // By keyboard: Enter on a title opens it; Escape cancels, and nothing is saved.
    await titleButton(pageA, 'Eggs').focus();
    await titleButton(pageA, 'Eggs').press('Enter');
    await titleField(pageA).pressSequentially('Nothing');
    await rowOf(pageB, 'Eggs').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    await titleField(pageA).press('Escape');
    await pageB.getByText('ana is editing').waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(await isFocused(titleButton(pageA, 'Eggs'))).toBe(true);
    expect(await titleField(pageA).count()).toBe(0);

    // Space opens it too; leaving the field saves.
    await titleButton(pageA, 'Bread').focus();
    await titleButton(pageA, 'Bread').press(' ');
    await titleField(pageA).pressSequentially('Rye bread');
    await pageA.getByRole('heading', { name: 'Groceries' }).click();
    await checkbox(pageB, 'Rye bread').waitFor({ timeout: LIVE_MS });

    // Clicking another todo's checkbox while editing saves the title and ticks the box: the click is not lost.
    await titleButton(pageA, 'Rye bread').click();
    await titleField(pageA).pressSequentially('Sourdough');
    await checkbox(pageA, 'Eggs').click();
    await checkbox(pageB, 'Sourdough').waitFor({ timeout: LIVE_MS });
    await checkbox(pageB, 'Eggs', true).waitFor({ timeout: LIVE_MS });
    expect(await titlesOnServer(listId)).toEqual(['Oat milk', 'Eggs', 'Sourdough']);

    // Ana closes her page while editing: bob's indicator goes, and she leaves his viewers line.
    await titleButton(pageA, 'Oat milk').click();
    await titleField(pageA).pressSequentially('Soy milk');
    await rowOf(pageB, 'Oat milk').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    await pageA.close();
    await pageB.getByText('ana is editing').waitFor({ state: 'detached', timeout: LIVE_MS });
    await viewers(pageB, 'Viewing: bob (you)').waitFor({ timeout: LIVE_MS });
    expect(await checkbox(pageB, 'Oat milk').count()).toBe(1);
    await pageB.close();
  });

  it('counts a user with two tabs once; the tab that edits shows it to others, never to its own user', { timeout: 30_000 }, async () => {
    const listId = await sharedList('Chores', ['Sweep']);
    const [first, second] = [await openList(ana.context, server.base, listId), await openList(ana.context, server.base, listId)];
    const pageB = await openList(bob.context, server.base, listId);
    await viewers(pageB, 'Viewing: bob (you), ana').waitFor({ timeout: LIVE_MS });
    await viewers(first, 'Viewing: ana (you), bob').waitFor({ timeout: LIVE_MS });

    await titleButton(first, 'Sweep').click();
    await rowOf(pageB, 'Sweep').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(await second.getByText('is editing').count()).toBe(0);
    // Closing the editing tab ends the editing; ana still views the list from the other one.
    await first.close();
    await pageB.getByText('ana is editing').waitFor({ state: 'detached', timeout: LIVE_MS });
    await viewers(pageB, 'Viewing: bob (you), ana').waitFor({ timeout: LIVE_MS });

    // Bob deletes the todo ana is editing in her other tab: her field goes, and she is back to viewing.
    await titleButton(second, 'Sweep').click();
    await rowOf(pageB, 'Sweep').getByText('ana is editing', { exact: true }).waitFor({ timeout: LIVE_MS });
    await pageB.getByRole('button', { name: 'Delete Sweep', exact: true }).click();
    await titleField(second).waitFor({ state: 'detached', timeout: LIVE_MS });
    const states = async (): Promise<string[]> => {
      const response = await fetch(`${server.base}/lists/${encodeURIComponent(listId)}/presence`, { headers: bob.account.auth });
      return ((await response.json()) as { members: { user: string; state: string }[] }).members.map((member) => `${member.user} ${member.state}`);
    };
    await expect.poll(states, { timeout: LIVE_MS }).toEqual(['ana viewing', 'bob viewing']);
    await Promise.all([second.close(), pageB.close()]);
  });

  it('drops a viewer whose connection vanished (it stops answering) at the next heartbeat: their “is editing” and their name go', { timeout: 30_000 }, async () => {
    // A server of its own with a short heartbeat: a socket that misses a pong is terminated at the next tick.
    const dir = mkdtempSync(join(tmpdir(), 'syncline-presence-'));
    const app = await createTodoApp({ config: loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'todo.db')}`, SYNCLINE_HEARTBEAT_MS: '250' }), auth: { scrypt: FAST_SCRYPT }, onError: () => {} });
    const base = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
    const proxy = await startFreezableProxy(Number(new URL(base).port));
    const [carol, dee] = [await signedInContext(browser!, base, 'carol'), await signedInContext(browser!, base, 'dee')];
    try {
      const list = await postJson<{ id: string }>(base, carol.account, '/lists', { title: 'Errands' });
      const shared = await fetch(`${base}/lists/${list.id}`, { method: 'PATCH', headers: { ...carol.account.auth, 'content-type': 'application/merge-patch+json' }, body: '{"members":["dee"]}' });
      expect(shared.status).toBe(200);
      await postJson(base, carol.account, '/todos', { title: 'Post office', list: list.id });
      // carol's browser reaches the server through the proxy (the session cookie is the host's, whatever the port).
      const pageC = await openList(carol.context, proxy.base, list.id);
      const pageD = await openList(dee.context, base, list.id);
      await viewers(pageD, 'Viewing: dee (you), carol').waitFor({ timeout: LIVE_MS });
      await titleButton(pageC, 'Post office').click();
      await rowOf(pageD, 'Post office').getByText('carol is editing', { exact: true }).waitFor({ timeout: LIVE_MS });

      proxy.freeze();
      await pageD.getByText('carol is editing').waitFor({ state: 'detached', timeout: 5_000 });
      await viewers(pageD, 'Viewing: dee (you)').waitFor({ timeout: LIVE_MS });
    } finally {
      await Promise.all([carol.context.close(), dee.context.close()]);
      proxy.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without JavaScript shows neither the title buttons nor the viewers line; the edit form is there', { timeout: 30_000 }, async () => {
    const listId = await sharedList('Plain', ['Dust']);
    const context = await contextFor(browser!, server.base, ana.account, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.base}/lists/${encodeURIComponent(listId)}`);
    await checkbox(page, 'Dust').waitFor();
    expect(await titleButton(page, 'Dust').count()).toBe(0);
    expect(await page.locator('#viewers').count()).toBe(0);
    await page.getByLabel('Title of Dust').fill('Dust the shelves');
    await page.getByRole('button', { name: 'Rename Dust', exact: true }).click();
    await checkbox(page, 'Dust the shelves').waitFor();
    await context.close();
  });
});
