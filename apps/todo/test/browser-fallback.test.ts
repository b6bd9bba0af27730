import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@syncline/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTodoApp, type TodoApp } from '../src/create-todo-app.js';
import { contextFor, launchChromium, postJson } from './browser-harness.js';
import { FAST_SCRYPT, signUp, type Account } from './session-support.js';

const LIVE_MS = 1_000;
const browser: Browser | undefined = await launchChromium();

const waitForTitles = (page: Page, titles: string[], timeout = LIVE_MS) =>
  page.waitForFunction((expected) => JSON.stringify(Array.from(document.querySelectorAll('#todos li.todo label'), (l) => l.textContent)) === JSON.stringify(expected), titles, { timeout });

/**
 * The TODO app on a server of its own whose WebSocket upgrade is refused (503, as a proxy
 * that does not carry WebSockets answers) until `upgrades.open` is set: pages and the JSON
 * API, event streams included, are served as usual.
 */
async function startGatedApp(): Promise<{ base: string; app: TodoApp; upgrades: { open: boolean }; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-fallback-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'todo.db')}` });
  const app = await createTodoApp({ config, auth: { scrypt: FAST_SCRYPT }, onError: () => {} });
  const server: Server = createServer(app.handler);
  app.syncline.attach(server);
  const live = server.listeners('upgrade') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('upgrade');
  const upgrades = { open: false };
  server.on('upgrade', (req, socket, head) => {
    if (upgrades.open) return live.forEach((listener) => listener.call(server, req, socket, head));
    socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    base: `http://127.0.0.1:${address.port}`,
    app,
    upgrades,
    async dispose() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(browser === undefined)('the TODO app where the WebSocket cannot be opened', () => {
  let gated: Awaited<ReturnType<typeof startGatedApp>>;
  let ana: Account;
  beforeAll(async () => {
    gated = await startGatedApp();
    ana = await signUp(gated.base, 'ana');
  });
  afterAll(async () => {
    await browser?.close();
    await gated?.dispose();
  });

  it('goes live over event streams, then moves back to the socket once it can be opened', { timeout: 40_000 }, async () => {
    const { base, app, upgrades } = gated;
    const list = await postJson<{ id: string }>(base, ana, '/lists', { title: 'Behind a proxy' });
    await postJson(base, ana, '/todos', { title: 'Loaded', list: list.id });
    const context = await contextFor(browser!, base, ana);
    const page = await context.newPage();
    const opened: string[] = [];
    page.on('websocket', (socket) => socket.on('framesent', () => opened.push(socket.url())));
    await page.goto(`${base}/lists/${list.id}`);

    // Refused upgrades: the page falls back to event streams (one per live view) and says it is live.
    const status = page.locator('#connection');
    await page.locator('#connection[data-transport="sse"]').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => app.syncline.stats()).toMatchObject({ connections: 0, streams: 2 });

    // Another client's write reaches it without reload; its own form goes over HTTP.
    await postJson(base, ana, '/todos', { title: 'Pushed over a stream', list: list.id });
    await waitForTitles(page, ['Loaded', 'Pushed over a stream']);
    await page.getByLabel('New todo').fill('Sent over HTTP');
    await page.getByLabel('New todo').press('Enter');
    await waitForTitles(page, ['Loaded', 'Pushed over a stream', 'Sent over HTTP']);
    // The page shows its own write at once (optimistic); the server has it once the POST is answered.
    const storedTitles = async (): Promise<string[]> => {
      const stored = await fetch(`${base}/todos?list=${list.id}&order=order`, { headers: ana.auth });
      return ((await stored.json()) as { items: { title: string }[] }).items.map((item) => item.title);
    };
    await expect.poll(storedTitles, { timeout: 5_000 }).toContain('Sent over HTTP');
    expect(opened).toEqual([]);

    // The socket can be opened again: the page moves back to it and ends its streams.
    upgrades.open = true;
    await page.locator('#connection[data-transport="socket"]').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => app.syncline.stats(), { timeout: 5_000 }).toMatchObject({ connections: 1, streams: 0, subscriptions: 2 });
    expect(opened.length).toBeGreaterThan(0);
    await postJson(base, ana, '/todos', { title: 'Pushed over the socket', list: list.id, order: 10 });
    await waitForTitles(page, ['Loaded', 'Pushed over a stream', 'Sent over HTTP', 'Pushed over the socket']);
    expect(await status.getAttribute('data-state')).toBe('open');
    await context.close();
  });
});
