import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { HTML, signUp, startTestApp, type Account } from './session-support.js';

// The demo's pages cannot be framed (clickjacking), run only the site's own scripts, and a
// signed-in user's page or JSON is never kept by a shared cache.

let app: TodoApp;
let base: string;
let account: Account;
beforeAll(async () => {
  ({ app, base } = await startTestApp());
  account = await signUp(base, 'headers');
});
afterAll(() => app?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { redirect: 'manual', headers });

describe('the demo’s answers', () => {
  it('pages (TODO and polls, signed in or not) forbid framing and run only scripts from the site', async () => {
    const pages = [await get('/sign-in', { accept: HTML }), await get('/', { accept: HTML, cookie: account.cookie }), await get('/polls', { accept: HTML, cookie: account.cookie })];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    }
  });

  it('scripts, stylesheets, redirects and the JSON API are not sniffed', async () => {
    for (const path of ['/assets/app.js', '/assets/app.css', '/assets/polls.css', '/lists/x']) {
      const response = await get(path, { accept: path.startsWith('/lists') ? HTML : '*/*' });
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      await response.arrayBuffer();
    }
    const json = await get('/lists', account.auth);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a signed-in user’s page and JSON are private to them', async () => {
    const page = await get('/', { accept: HTML, cookie: account.cookie });
    expect(page.headers.get('cache-control')).toBe('private, no-cache');
    const json = await get('/lists', { cookie: account.cookie });
    expect(json.headers.get('cache-control')).toBe('private, no-cache');
    const bearer = await get('/lists', account.auth);
    expect(bearer.headers.get('cache-control')).toBe('private, no-cache');
  });
});
