import { createClient, type SynclineClient } from '@syncline/client';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '../src/resources.js';
import { startExample, type ExampleServer } from '../src/server.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// Another client's change must show within a second, without reload (Playwright's auto-waiting, no sleeps).
const LIVE_MS = 1_000;

/** Chromium, or in CI a failure (a skipped browser test proves nothing there), or locally undefined after saying why. */
async function launchChromium(): Promise<Browser | undefined> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (error) {
    if (process.env['CI']) throw new Error(`Chromium could not start at ${CHROMIUM}; the browser tests need it`, { cause: error });
    console.warn(`[react example] skipped: Chromium could not start at ${CHROMIUM} (apt-get install -y chromium): ${String(error).split('\n')[0]}`);
    return undefined;
  }
}

const browser = await launchChromium();

describe.skipIf(browser === undefined)('the React example in Chromium', () => {
  let server: ExampleServer;
  let other: SynclineClient;
  beforeAll(async () => {
    server = await startExample(0);
    other = createClient({ url: `http://127.0.0.1:${server.port}` });
  });
  afterAll(async () => {
    other?.close();
    await browser?.close();
    await server?.close();
  });

  it('is server-rendered loading, then live: another client\'s writes show at once; hiding the list ends its subscription', { timeout: 30_000 }, async () => {
    const seed = await other.resource(items).create({ title: 'Milk' });
    const html = await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    expect(html).toContain('Loading…');
    expect(html).not.toContain('Milk');

    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await page.goto(`http://127.0.0.1:${server.port}/`);
    const list = page.getByRole('list', { name: 'Items' });
    await list.getByRole('checkbox', { name: 'Milk' }).waitFor({ timeout: 5_000 });
    // Strict mode mounts twice: still one subscription.
    expect(server.syncline.stats().subscriptions).toBe(1);

    // Another client writes: the component shows it without reload.
    const eggs = await other.resource(items).create({ title: 'Eggs' });
    await list.getByRole('checkbox', { name: 'Eggs' }).waitFor({ timeout: LIVE_MS });
    await other.resource(items).patch(seed.id, { done: true });
    await list.getByRole('checkbox', { name: 'Milk', checked: true }).waitFor({ timeout: LIVE_MS });
    await other.resource(items).delete(eggs.id);
    await list.getByRole('checkbox', { name: 'Eggs' }).waitFor({ state: 'detached', timeout: LIVE_MS });

    // The page's writes reach the server (and the other client's live view).
    const seen = other.resource(items).liveQuery({ order: 'createdAt' });
    await seen.ready;
    await page.getByLabel('New item').fill('Bread');
    await page.getByRole('button', { name: 'Add' }).click();
    await list.getByRole('checkbox', { name: 'Bread' }).waitFor({ timeout: LIVE_MS });
    await expect.poll(() => seen.getSnapshot().map((item) => item.title)).toEqual(['Milk', 'Bread']);
    await list.getByRole('checkbox', { name: 'Milk' }).uncheck();
    await expect.poll(() => seen.getSnapshot().find((item) => item.id === seed.id)?.done).toBe(false);

    // A refused write shows its error (the title is over 100 characters).
    await page.getByLabel('New item').fill('x'.repeat(101));
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('alert').waitFor({ timeout: LIVE_MS });
    expect(await list.getByRole('listitem').count()).toBe(2);

    // Unmounting the list ends its subscription on the server; the socket stays.
    seen.close();
    await expect.poll(() => server.syncline.stats().subscriptions).toBe(1);
    await page.getByRole('button', { name: 'Hide the list' }).click();
    await expect.poll(() => server.syncline.stats().subscriptions).toBe(0);
    expect(server.syncline.stats().connections).toBe(2);
    await page.getByRole('button', { name: 'Show the list' }).click();
    await list.getByRole('checkbox', { name: 'Bread' }).waitFor({ timeout: 5_000 });
    expect(server.syncline.stats().subscriptions).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
