import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, launchChromium, postJson, startApp, type RunningApp } from './browser-harness.js';
import { signUp, type Account } from './session-support.js';

// A change must show within a second of reaching the page's live views (no reload, no fixed sleeps).
const LIVE_MS = 1_000;
const browser: Browser | undefined = await launchChromium();

/** Waits until the list shows exactly these titles, in this order (so a change shown twice fails too). */
const waitForTitles = (page: Page, titles: string[], timeout = LIVE_MS) =>
  page.waitForFunction((expected) => JSON.stringify(Array.from(document.querySelectorAll('#todos li.todo label'), (l) => l.textContent)) === JSON.stringify(expected), titles, { timeout });

/** The SUBSCRIBE frames a page sends over its sockets for its live views (presence subscriptions left out). */
function recordSubscribes(page: Page): { resource: string; headers?: Record<string, string> }[] {
  const sent: { resource: string; headers?: Record<string, string> }[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const frame = JSON.parse(payload) as { method?: string; resource: string; headers?: Record<string, string> };
      if (frame.method === 'SUBSCRIBE' && !frame.resource.endsWith('/presence')) sent.push(frame);
    });
  });
  return sent;
}

describe.skipIf(browser === undefined)('the TODO app starts live from the page it was served', () => {
  let server: RunningApp;
  let ana: Account;
  const asAna = (): Promise<BrowserContext> => contextFor(browser!, server.base, ana);
  beforeAll(async () => {
    server = await startApp();
    ana = await signUp(server.base, 'ana');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a write made after the page was read and before its script subscribed shows without reload, once', { timeout: 30_000 }, async () => {
    const list = await postJson<{ id: string }>(server.base, ana, '/lists', { title: 'Gap' });
    await postJson(server.base, ana, '/todos', { title: 'Loaded', list: list.id });
    const context = await asAna();
    const page = await context.newPage();
    const subscribes = recordSubscribes(page);
    // The page is rendered whole before a byte of it is sent, so its data and data-seq are fixed
    // by now; its script (and so its socket and every SUBSCRIBE) waits for this write.
    await page.route('**/assets/app.js', async (route) => {
      await postJson(server.base, ana, '/todos', { title: 'Between', list: list.id });
      await route.continue();
    });
    const response = await page.goto(`${server.base}/lists/${list.id}`);
    const served = (await response?.text()) ?? '';
    expect(served).toContain('Loaded');
    expect(served).not.toContain('Between');
    const seq = Number(/data-seq="(\d+)"/.exec(served)?.[1]);
    expect(seq).toBeGreaterThan(0);

    await waitForTitles(page, ['Loaded', 'Between']);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
    // Both views resumed from the page's position: no snapshot was read again.
    expect(subscribes.map((frame) => [frame.resource, frame.headers?.['last-event-id']])).toEqual([
      ['/lists?order=createdAt', String(seq)],
      [`/todos?list=${encodeURIComponent(list.id)}&order=order`, String(seq)],
    ]);

    // And it stays live for later writes.
    await postJson(server.base, ana, '/todos', { title: 'After', list: list.id });
    await waitForTitles(page, ['Loaded', 'Between', 'After']);
    await context.close();
  });
});
