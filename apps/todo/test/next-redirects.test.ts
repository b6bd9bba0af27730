import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { FormBrowser, HTML, signUp, startTestApp, type Account } from './session-support.js';

// Every page and form that takes a `next` (where to go once signed in), fed any string: the
// answer is never a 5xx, a sign-in never creates a session it then fails to answer, and a
// `Location` is always a path of this site (no other origin, no `//host`, no raw controls).

let app: TodoApp;
let base: string;
let account: Account;
beforeAll(async () => {
  ({ app, base } = await startTestApp());
  account = await signUp(base, 'nexter');
});
afterAll(() => app?.close());

/** Strings an attacker would try, mixed with any string of any code points. */
const nextValues = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`),
  fc.constantFrom(
    '/ä',
    '/lists/\u0001',
    '/\r\nset-cookie: x=1',
    '/\u2028',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/./\u0000/evil.example',
    '/.//evil.example',
    '/%2e//evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    ' /lists',
    '/lists?x=\u00ff#\u{1f600}',
    '\ud800',
    '/\udfff',
  ),
);

/** The answer is not a server error, and its Location (if any) stays on this site. */
function expectSafeAnswer(response: Response, what: string): void {
  expect(response.status, what).toBeLessThan(500);
  const location = response.headers.get('location');
  if (location === null) return;
  expect(location, what).toMatch(/^\/(?![/\\])/);
  expect(location, what).toMatch(/^[\x21-\x7e]*$/);
  expect(new URL(location, base).origin, what).toBe(new URL(base).origin);
}

const get = (path: string, cookie?: string) => fetch(base + path, { redirect: 'manual', headers: { accept: HTML, ...(cookie ? { cookie } : {}) } });

describe('next= on every page and form that takes it', () => {
  it('GET /sign-in and /sign-up, signed out and signed in: never 5xx, Location always a path of this site', async () => {
    await fc.assert(
      fc.asyncProperty(nextValues, fc.constantFrom('/sign-in', '/sign-up'), fc.boolean(), async (next, page, signedIn) => {
        const response = await get(`${page}?${new URLSearchParams({ next })}`, signedIn ? account.cookie : undefined);
        expectSafeAnswer(response, `${page} next=${JSON.stringify(next)}`);
        await response.arrayBuffer();
      }),
      { numRuns: 150 },
    );
  });

  it('the sign-in and sign-up forms: never 5xx, a 303 to a path of this site, and no session unless it was answered', async () => {
    const browser = new FormBrowser(base);
    await browser.get('/sign-in');
    let accounts = 0;
    await fc.assert(
      fc.asyncProperty(nextValues, fc.boolean(), async (next, signUpFirst) => {
        browser.cookies.delete('syncline_session');
        const username = signUpFirst ? `next${accounts++}` : 'nexter';
        const path = signUpFirst ? '/users' : '/session';
        const body = new URLSearchParams({ _csrf: browser.csrf(), username, password: 'correct horse', next });
        const response = await fetch(base + path, {
          method: 'POST',
          redirect: 'manual',
          headers: { origin: base, cookie: `todo_form=${browser.cookies.get('todo_form')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        expectSafeAnswer(response, `${path} next=${JSON.stringify(next)}`);
        expect(response.status).toBe(303);
        // The session it made is the one it handed over: it works.
        const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        expect((await fetch(`${base}/lists`, { headers: { cookie } })).status).toBe(200);
      }),
      { numRuns: 60 },
    );
  });

  it('pages that send a signed-out browser to sign in (TODO and polls), with any path and query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('/lists/', '/todos/', '/polls/', '/lists?'), async (tail, prefix) => {
        const path = prefix.endsWith('?') ? `${prefix}${new URLSearchParams({ q: tail })}` : `${prefix}${encodeURIComponent(tail.replace(/[\ud800-\udfff]/g, ''))}`;
        const response = await get(path);
        expectSafeAnswer(response, path);
        await response.arrayBuffer();
      }),
      { numRuns: 100 },
    );
  });

  it('a path that leaves the site after normalization (/.//host) falls back to /', async () => {
    const response = await get(`/sign-in?${new URLSearchParams({ next: '/.//evil.example/x' })}`, account.cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const kept = await get(`/sign-in?${new URLSearchParams({ next: '/lists/ä?x=1' })}`, account.cookie);
    expect(kept.headers.get('location')).toBe('/lists/%C3%A4?x=1');
  });
});
