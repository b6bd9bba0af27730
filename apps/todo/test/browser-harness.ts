import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@syncline/server';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { createTodoApp, type TodoApp } from '../src/create-todo-app.js';
import { FAST_SCRYPT, signUp, type Account } from './session-support.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Launches Chromium, or, when it cannot start: fails in CI (a browser test that skips there
 * proves nothing) and answers undefined locally, after saying why, so the suite skips.
 */
export async function launchChromium(): Promise<Browser | undefined> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (error) {
    if (process.env['CI']) throw new Error(`Chromium could not start at ${CHROMIUM}; the browser tests need it`, { cause: error });
    console.warn(`[browser tests] skipped: Chromium could not start at ${CHROMIUM} (apt-get install -y chromium): ${String(error).split('\n')[0]}`);
    return undefined;
  }
}

/** Browsers closed or a server stopped mid-frame reset their sockets; that is these tests' normal. Anything else is printed. */
function reportUnexpected(error: unknown, where: string): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return;
  console.error(`[todo app] ${where}:`, error);
}

/** A running TODO app on a SQLite file in a temporary directory; restartable on the same port and file. */
export interface RunningApp {
  readonly base: string;
  readonly port: number;
  app: TodoApp;
  /** Stops the server (sockets are closed with 1001, as at a shutdown). */
  stop(): Promise<void>;
  /** Starts a new server on the same port and database file. */
  restart(): Promise<void>;
  /** Stops it and removes the database. */
  dispose(): Promise<void>;
}

/** Starts the app in-process on port 0, as `npm start` does on its SQLite file. */
export async function startApp(): Promise<RunningApp> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-browser-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'todo.db')}` });
  const open = async (port: number): Promise<{ app: TodoApp; port: number }> => {
    const app = await createTodoApp({ config, auth: { scrypt: FAST_SCRYPT, maxSignUpsPerAddress: 1000 }, onError: reportUnexpected });
    return { app, port: (await app.listen(port, '127.0.0.1')).port };
  };
  const first = await open(0);
  let running = true;
  const handle: RunningApp = {
    base: `http://127.0.0.1:${first.port}`,
    port: first.port,
    app: first.app,
    async stop() {
      if (running) await handle.app.close();
      running = false;
    },
    async restart() {
      handle.app = (await open(first.port)).app;
      running = true;
    },
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A browser context carrying `account`'s session cookie (the pages and their socket use it). */
export async function contextFor(browser: Browser, base: string, account: Account, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const [name = '', value = ''] = account.cookie.split('=');
  await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** A browser context signed in as a new user, signed up through the JSON API. */
export async function signedInContext(browser: Browser, base: string, username: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; account: Account }> {
  const account = await signUp(base, username);
  return { context: await contextFor(browser, base, account, options), account };
}

/** Posts JSON to a resource as the account (a program with its bearer token) and answers the created record. */
export async function postJson<T>(base: string, account: Account, path: string, body: unknown): Promise<T> {
  const response = await fetch(base + path, { method: 'POST', headers: { ...account.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
