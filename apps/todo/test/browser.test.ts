import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, launchChromium, postJson, signedInContext, startApp, type RunningApp } from './browser-harness.js';
import { signUp, type Account } from './session-support.js';

// Another browser's change must show within a second (no reload, no fixed sleeps: every wait
// below is Playwright's auto-waiting with this timeout).
const LIVE_MS = 1_000;
const SCREENSHOT = fileURLToPath(new URL('../test-results/todo.png', import.meta.url));
const SHARING_SCREENSHOT = fileURLToPath(new URL('../test-results/sharing.png', import.meta.url));
const browser: Browser | undefined = await launchChromium();

const checkbox = (page: Page, name: string, checked?: boolean) =>
  page.getByRole('checkbox', { name, exact: true, ...(checked === undefined ? {} : { checked }) });
const todoTitles = (page: Page): Promise<string[]> => page.locator('#todos li.todo label').allTextContents();
/** Waits until the list shows exactly these titles, in this order. */
const waitForTitles = (page: Page, titles: string[], timeout = LIVE_MS) =>
  page.waitForFunction((expected) => JSON.stringify(Array.from(document.querySelectorAll("#todos li.todo label"), (l) => l.textContent)) === JSON.stringify(expected), titles, { timeout });

describe.skipIf(browser === undefined)('the TODO app in Chromium', () => {
  let server: RunningApp;
  /** The user of the tests that need only one; every context of hers carries her session cookie. */
  let ana: Account;
  const asAna = (options = {}): Promise<BrowserContext> => contextFor(browser!, server.base, ana, options);
  beforeAll(async () => {
    server = await startApp();
    ana = await signUp(server.base, 'ana');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('is live: what one browser does, another sees within a second, without reload', { timeout: 30_000 }, async () => {
    const [a, b] = await Promise.all([asAna(), asAna()]);
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
    // Signed out, the app leads to the sign-in page; a new user signs up there.
    await page.goto(server.base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign up' }).first().click();
    await page.getByLabel('Username').fill('nadia');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Lists' }).waitFor();
    expect(await page.locator('#username').textContent()).toBe('nadia');
    // A program of the same user's (its own session, by bearer token).
    const session = await fetch(`${server.base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"nadia","password":"correct horse"}' });
    const program = { authorization: `Bearer ${((await session.json()) as { token: string }).token}` };
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
    const patched = await fetch(`${server.base}/todos/${todoId}`, { method: 'PATCH', headers: { ...program, 'content-type': 'application/merge-patch+json' }, body: '{"title":"Mop the kitchen"}' });
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
    // Signing out is a form too; afterwards the app is the sign-in page again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${server.base}/lists`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill('nadia');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Lists' }).waitFor();
    await context.close();
  });

  it('reconnects by itself after a server restart and shows what changed meanwhile', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, ana, '/lists', { title: 'Restart' });
    const context = await asAna();
    const page = await context.newPage();
    await page.goto(`${server.base}/lists/${list.id}`);
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });

    // Every text the status shows from now on: 'Reconnecting…' may last only milliseconds (with
    // backoff jitter near zero, two refused attempts end in the fallback to event streams).
    await page.evaluate(() => {
      const element = document.getElementById('connection')!;
      const seen: string[] = ((window as unknown as { statusSeen: string[] }).statusSeen = []);
      new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, { childList: true, characterData: true, subtree: true });
    });
    await server.stop();
    await page.waitForFunction(() => (window as unknown as { statusSeen: string[] }).statusSeen.includes('Reconnecting…'), undefined, { timeout: 5_000 });
    await server.restart();
    await postJson(server.base, ana, '/todos', { title: 'Made meanwhile', list: list.id });

    await checkbox(page, 'Made meanwhile').waitFor({ timeout: 10_000 });
    await status.filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await context.close();
  });

  it('shows a conflict when someone else changed the todo first, never silently', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, ana, '/lists', { title: 'Calls' });
    const todo = await postJson<{ id: string }>(server.base, ana, '/todos', { title: 'Call Ann', list: list.id });
    const context = await asAna();
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
    const patched = await fetch(`${server.base}/todos/${todo.id}`, { method: 'PATCH', headers: { ...ana.auth, 'content-type': 'application/merge-patch+json' }, body: '{"title":"Call Ann at 5"}' });
    expect(patched.status).toBe(200);
    await page.getByLabel('Title of Call Ann').fill('Call Bob');
    await page.getByLabel('Title of Call Ann').press('Enter');
    await page.getByRole('alert').filter({ hasText: '“Call Ann at 5” was changed by someone else' }).waitFor({ timeout: 5_000 });
    // The refused edit is rolled back to the server's version.
    await checkbox(page, 'Call Ann at 5').waitFor({ timeout: LIVE_MS });
    await context.close();
  });

  it('shares a list live: it appears in the member’s open list index without reload, and leaves it on unsharing, with nothing further reaching them', { timeout: 40_000 }, async () => {
    const { context: owner } = await signedInContext(browser!, server.base, 'olivia');
    const { context: member, account: bob } = await signedInContext(browser!, server.base, 'bob');
    const ownerPage = await owner.newPage();
    const memberIndex = await member.newPage();
    // Everything the member's index page receives over its socket.
    const frames: string[] = [];
    memberIndex.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
    await memberIndex.goto(server.base);
    await memberIndex.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    // Marks this document: a reload would lose it.
    await memberIndex.evaluate(() => ((window as unknown as { marker: string }).marker = 'not reloaded'));

    await ownerPage.goto(server.base);
    await ownerPage.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    await ownerPage.getByLabel('New list').fill('Road trip');
    await ownerPage.getByRole('button', { name: 'Create list' }).click();
    await ownerPage.getByRole('heading', { name: 'Road trip' }).waitFor();
    const listId = decodeURIComponent(new URL(ownerPage.url()).pathname.split('/')[2] ?? '');
    await ownerPage.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    await ownerPage.getByLabel('New todo').fill('Passports');
    await ownerPage.getByLabel('New todo').press('Enter');
    await checkbox(ownerPage, 'Passports').waitFor({ timeout: LIVE_MS });
    // Not shared yet: nothing of it reached bob.
    expect(frames.some((frame) => frame.includes(listId))).toBe(false);

    await ownerPage.getByLabel('Share with').fill('bob');
    await ownerPage.getByRole('button', { name: 'Share', exact: true }).click();
    await ownerPage.getByRole('button', { name: 'Stop sharing with bob' }).waitFor();

    const sharedLink = memberIndex.getByRole('link', { name: 'Road trip' });
    await sharedLink.waitFor({ timeout: LIVE_MS });
    expect(await memberIndex.locator('#lists li', { has: sharedLink }).textContent()).toContain('shared by olivia');
    expect(await memberIndex.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('not reloaded');

    // The member opens it in another tab: its todos, and they can add one (the owner sees it live).
    const memberList = await member.newPage();
    const listFrames: string[] = [];
    memberList.on('websocket', (socket) => socket.on('framereceived', (frame) => listFrames.push(String(frame.payload))));
    await memberList.goto(`${server.base}/lists/${encodeURIComponent(listId)}`);
    await memberList.getByText('Shared with you by olivia').waitFor();
    await checkbox(memberList, 'Passports').waitFor();
    expect(await memberList.getByRole('button', { name: 'Rename list' }).count()).toBe(0);
    await memberList.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    await memberList.getByLabel('New todo').fill('Sunscreen');
    await memberList.getByLabel('New todo').press('Enter');
    await checkbox(ownerPage, 'Sunscreen').waitFor({ timeout: LIVE_MS });
    // The todos' copies of the list's owner and members are hidden fields: never on the wire.
    // (The page starts from its rendered data, so the member's frames about todos are the answer
    // and the event for the todo they added, which may land after the owner's page shows it.)
    const todoFramesOf = (): string[] => listFrames.filter((frame) => frame.includes(`"list":"${listId}"`));
    await expect.poll(() => todoFramesOf().length, { timeout: LIVE_MS }).toBeGreaterThan(0);
    const todoFrames = todoFramesOf();
    expect(todoFrames.filter((frame) => frame.includes('"members"') || frame.includes('"owner"'))).toEqual([]);
    mkdirSync(fileURLToPath(new URL('../test-results/', import.meta.url)), { recursive: true });
    await memberList.screenshot({ path: SHARING_SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SHARING_SCREENSHOT}`);

    // Unsharing: the list leaves the member's index and their list page, without reload.
    await ownerPage.getByRole('button', { name: 'Stop sharing with bob' }).click();
    await ownerPage.getByText('Nobody yet.').waitFor();
    await sharedLink.waitFor({ state: 'detached', timeout: LIVE_MS });
    await memberList.getByRole('heading', { name: 'List gone' }).waitFor({ timeout: LIVE_MS });
    await checkbox(memberList, 'Passports').waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(await memberIndex.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('not reloaded');
    expect(frames.some((frame) => frame.includes('"op":"leave"') && frame.includes(listId))).toBe(true);

    // Nothing about the list reaches the former member afterwards.
    const seen = frames.length;
    await ownerPage.getByLabel('List name').fill('Secret trip');
    await ownerPage.getByRole('button', { name: 'Rename list' }).click();
    await ownerPage.getByLabel('New todo').fill('Secret plan');
    await ownerPage.getByLabel('New todo').press('Enter');
    await checkbox(ownerPage, 'Secret plan').waitFor({ timeout: LIVE_MS });
    // A list of the member's own, created afterwards, is the sync point: events come in log order,
    // so once it shows, any event about the unshared list would have arrived before it.
    await postJson(server.base, bob, '/lists', { title: 'Bob’s own' });
    await memberIndex.getByRole('link', { name: 'Bob’s own' }).waitFor({ timeout: LIVE_MS });
    const later = frames.slice(seen);
    expect(later.filter((frame) => frame.includes(listId) || frame.includes('Secret'))).toEqual([]);
    expect(await memberIndex.getByRole('link', { name: 'Secret trip' }).count()).toBe(0);
    await Promise.all([owner.close(), member.close()]);
  });

  it('sends a page whose session ended (signed out elsewhere: 4401) to the sign-in page', { timeout: 30_000 }, async () => {
    const { context, account } = await signedInContext(browser!, server.base, 'carla');
    const page = await context.newPage();
    await page.goto(server.base);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    // The same session signed out by a program holding its token.
    const out = await fetch(`${server.base}/session`, { method: 'DELETE', headers: account.auth });
    expect(out.status).toBe(204);
    await page.waitForURL(/\/sign-in/, { timeout: 5_000 });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
