import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, postJson, startApp, type RunningApp } from './browser-harness.js';

// Another browser's change must show within a second (no reload, no fixed sleeps: every wait
// below is Playwright's auto-waiting with this timeout).
const LIVE_MS = 1_000;
const SCREENSHOT = fileURLToPath(new URL('../test-results/todo.png', import.meta.url));
const browser: Browser | undefined = await launchChromium();

const checkbox = (page: Page, name: string, checked?: boolean) =>
  page.getByRole('checkbox', { name, exact: true, ...(checked === undefined ? {} : { checked }) });
const todoTitles = (page: Page): Promise<string[]> => page.locator('#todos li.todo label').allTextContents();
/** Waits until the list shows exactly these titles, in this order. */
const waitForTitles = (page: Page, titles: string[], timeout = LIVE_MS) =>
  page.waitForFunction((expected) => JSON.stringify(Array.from(document.querySelectorAll("#todos li.todo label"), (l) => l.textContent)) === JSON.stringify(expected), titles, { timeout });

describe.skipIf(browser === undefined)('the TODO app in Chromium', () => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('is live: what one browser does, another sees within a second, without reload', { timeout: 30_000 }, async () => {
    const [a, b] = await Promise.all([browser!.newContext(), browser!.newContext()]);
    const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()]);
    for (const page of [pageA, pageB]) {
      await page.goto(server.base);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    }
    // A creates a list on the home page (and is taken to it); B's home page shows it live.
    await pageA.getByLabel('New list').fill('Groceries');
    await pageA.getByRole('button', { name: 'Create list' }).click();
    await pageB.getByRole('link', { name: 'Groceries' }).waitFor({ timeout: LIVE_MS });
    await pageA.getByRole('heading', { name: 'Groceries' }).waitFor();
    await pageB.getByRole('link', { name: 'Groceries' }).click();
    expect(pageB.url()).toBe(pageA.url());
    for (const page of [pageA, pageB]) await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    for (const title of ['Milk', 'Eggs', 'Bread']) {
      await pageA.getByLabel('New todo').fill(title);
      await pageA.getByLabel('New todo').press('Enter');
      await checkbox(pageB, title).waitFor({ timeout: LIVE_MS });
    }
    await pageA.getByLabel('Title of Milk').fill('Oat milk');
    await pageA.getByLabel('Title of Milk').press('Enter');
    await checkbox(pageB, 'Oat milk').waitFor({ timeout: LIVE_MS });

    await checkbox(pageA, 'Oat milk').check();
    await checkbox(pageB, 'Oat milk', true).waitFor({ timeout: LIVE_MS });
    await checkbox(pageA, 'Oat milk').uncheck();
    await checkbox(pageB, 'Oat milk', false).waitFor({ timeout: LIVE_MS });

    await pageA.getByRole('button', { name: 'Move Bread up', exact: true }).click();
    await waitForTitles(pageB, ['Oat milk', 'Bread', 'Eggs']);

    await pageA.getByRole('button', { name: 'Delete Oat milk', exact: true }).click();
    await checkbox(pageB, 'Oat milk').waitFor({ state: 'detached', timeout: LIVE_MS });
    await waitForTitles(pageA, ['Bread', 'Eggs']);

    // And the other way round, for the list itself.
    await pageB.getByLabel('List name').fill('Weekend groceries');
    await pageB.getByRole('button', { name: 'Rename list' }).click();
    await pageA.getByRole('heading', { name: 'Weekend groceries' }).waitFor({ timeout: LIVE_MS });
    await pageA.getByRole('link', { name: 'Weekend groceries' }).waitFor({ timeout: LIVE_MS });

    mkdirSync(fileURLToPath(new URL('../test-results/', import.meta.url)), { recursive: true });
    await pageA.getByLabel('New todo').fill('Coffee');
    await pageA.getByLabel('New todo').press('Enter');
    await checkbox(pageA, 'Coffee').check();
    await checkbox(pageB, 'Coffee', true).waitFor({ timeout: LIVE_MS });
    await pageA.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SCREENSHOT}`);
    await Promise.all([a.close(), b.close()]);
  });

  it('works without JavaScript, through forms (Post/Redirect/Get)', { timeout: 30_000 }, async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.base);
    expect(await page.getByRole('status').isHidden()).toBe(true);
    await page.getByLabel('New list').fill('Chores');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: 'Chores' }).waitFor();
    expect(page.url()).toMatch(/\/lists\/[^/]+$/);

    for (const title of ['Sweep', 'Dust', 'Mop']) {
      await page.getByLabel('New todo').fill(title);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await checkbox(page, title).waitFor();
    }
    await page.getByLabel('Title of Sweep').fill('Sweep the floor');
    await page.getByRole('button', { name: 'Rename Sweep', exact: true }).click();
    await checkbox(page, 'Sweep the floor').waitFor();

    await checkbox(page, 'Dust').check();
    await page.getByRole('button', { name: 'Save done state of Dust' }).click();
    await checkbox(page, 'Dust', true).waitFor();
    await page.getByRole('button', { name: 'Move Mop up', exact: true }).click();
    expect(await todoTitles(page)).toEqual(['Sweep the floor', 'Mop', 'Dust']);

    // A refused form: the page again (422) with the message and what the user typed.
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), (async () => {
      await page.getByLabel('New todo').fill('   ');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    })()]);
    expect(refused.status()).toBe(422);
    expect(await page.getByRole('alert').textContent()).toContain('Please enter a title');
    expect(await page.getByLabel('New todo').inputValue()).toBe('   ');

    // Someone else changes a todo after this page was rendered: the stale form is refused, visibly.
    const todoId = await page.locator('li.todo', { has: checkbox(page, 'Mop') }).getAttribute('data-id');
    const patched = await fetch(`${server.base}/todos/${todoId}`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"title":"Mop the kitchen"}' });
    expect(patched.status).toBe(200);
    await page.getByLabel('Title of Mop').fill('Mop the hall');
    await page.getByRole('button', { name: 'Rename Mop', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this' }).waitFor();
    await checkbox(page, 'Mop the kitchen').waitFor();

    await page.getByRole('button', { name: 'Delete Dust', exact: true }).click();
    expect(await todoTitles(page)).toEqual(['Sweep the floor', 'Mop the kitchen']);
    await page.getByLabel('List name').fill('House');
    await page.getByRole('button', { name: 'Rename list' }).click();
    await page.getByRole('heading', { name: 'House' }).waitFor();
    await page.getByRole('button', { name: 'Delete list' }).click();
    await page.getByRole('heading', { name: 'Lists' }).waitFor();
    expect(await page.getByRole('link', { name: 'House' }).count()).toBe(0);
    await context.close();
  });

  it('reconnects by itself after a server restart and shows what changed meanwhile', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, '/lists', { title: 'Restart' });
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/lists/${list.id}`);
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });

    await server.stop();
    await status.filter({ hasText: 'Reconnecting' }).waitFor({ timeout: 5_000 });
    await server.restart();
    await postJson(server.base, '/todos', { title: 'Made meanwhile', list: list.id });

    await checkbox(page, 'Made meanwhile').waitFor({ timeout: 10_000 });
    await status.filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await context.close();
  });

  it('shows a conflict when someone else changed the todo first, never silently', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, '/lists', { title: 'Calls' });
    const todo = await postJson<{ id: string }>(server.base, '/todos', { title: 'Call Ann', list: list.id });
    const context = await browser!.newContext();
    const page = await context.newPage();
    // Hold back pushed changes, so the page's copy is stale when the user edits: its If-Match fails.
    let holding = false;
    await page.routeWebSocket(/\/live$/, (socket) => {
      const upstream = socket.connectToServer();
      upstream.onMessage((message) => {
        if (!(holding && String(message).includes('"event":"change"'))) socket.send(message);
      });
    });
    await page.goto(`${server.base}/lists/${list.id}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    await checkbox(page, 'Call Ann').waitFor();

    holding = true;
    const patched = await fetch(`${server.base}/todos/${todo.id}`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"title":"Call Ann at 5"}' });
    expect(patched.status).toBe(200);
    await page.getByLabel('Title of Call Ann').fill('Call Bob');
    await page.getByLabel('Title of Call Ann').press('Enter');
    await page.getByRole('alert').filter({ hasText: '“Call Ann at 5” was changed by someone else' }).waitFor({ timeout: 5_000 });
    // The refused edit is rolled back to the server's version.
    await checkbox(page, 'Call Ann at 5').waitFor({ timeout: LIVE_MS });
    await context.close();
  });
});
