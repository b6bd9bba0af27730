import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { FormBrowser, HTML, startTestApp } from './session-support.js';

// A browser sends remembered Basic credentials with any request, as it sends cookies: a
// form post that carries `Authorization` is checked for its origin all the same, and its
// cookie does not sign it in.

let app: TodoApp;
let base: string;
beforeAll(async () => {
  ({ app, base } = await startTestApp());
});
afterAll(() => app?.close());

const BASIC = 'Basic YW5hOnNlY3JldA==';

async function signedInBrowser(username: string): Promise<FormBrowser> {
  const browser = new FormBrowser(base);
  await browser.get('/sign-up');
  const [answer] = await browser.post('/users', { username, password: 'correct horse', next: '/' });
  expect(answer?.status).toBe(303);
  return browser;
}

function postForm(browser: FormBrowser, path: string, fields: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return fetch(new URL(path, base), {
    method: 'POST',
    redirect: 'manual',
    headers: { accept: HTML, cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ _csrf: browser.csrf(), ...fields }).toString(),
  });
}

describe('form posts with an Authorization header', () => {
  it('refuses a cross-site form post that carries Authorization and the cookie (403), and creates nothing', async () => {
    const browser = await signedInBrowser('basic-forms');
    const refused = await postForm(browser, '/lists', { title: 'Forged with Basic' }, { origin: 'http://evil.example', authorization: BASIC });
    expect(refused.status).toBe(403);
    const signOut = await postForm(browser, '/session', { _method: 'DELETE' }, { origin: 'http://evil.example', authorization: BASIC });
    expect(signOut.status).toBe(403);
    expect(signOut.headers.get('set-cookie')).toBeNull();
    await browser.get('/');
    expect(browser.page).toContain('Signed in as');
    expect(browser.page).not.toContain('Forged with Basic');
  });

  it('does not sign a same-origin form post in by its cookie when it carries Authorization', async () => {
    const browser = await signedInBrowser('basic-same-origin');
    const answer = await postForm(browser, '/lists', { title: 'Not by cookie' }, { origin: base, authorization: BASIC });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toMatch(/^\/sign-in/);
    await browser.get('/');
    expect(browser.page).toContain('Signed in as');
    expect(browser.page).not.toContain('Not by cookie');
  });
});
