import { loadConfig } from '@syncline/server';
import { createTodoApp, type TodoApp } from '../src/create-todo-app.js';

/** scrypt at a low cost, so the tests sign up and in quickly (production keeps the default). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
/** What a browser sends as `Accept` for a page. */
export const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The app in memory on a free port. */
export async function startTestApp(): Promise<{ app: TodoApp; base: string }> {
  const app = await createTodoApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), auth: { scrypt: FAST_SCRYPT, maxSignUpsPerAddress: 1000 }, onError: () => {} });
  return { app, base: `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}` };
}

/** A program's account: signed up and in through the JSON API, with its bearer token and its session cookie. */
export interface Account {
  readonly username: string;
  readonly token: string;
  /** `syncline_session=<token>`, as a browser would send it. */
  readonly cookie: string;
  /** Headers that authenticate a JSON request by bearer token. */
  readonly auth: Record<string, string>;
}

/** Signs up and in with `POST /users` and `POST /session` (JSON), as the README's curl session does. */
export async function signUp(base: string, username: string, password = 'correct horse'): Promise<Account> {
  const created = await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (created.status !== 201) throw new Error(`POST /users: ${created.status} ${await created.text()}`);
  const session = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (session.status !== 201) throw new Error(`POST /session: ${session.status} ${await session.text()}`);
  const { token } = (await session.json()) as { token: string };
  return { username, token, cookie: (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '', auth: { authorization: `Bearer ${token}` } };
}

/**
 * A browser without JavaScript, over fetch: it keeps cookies, sends `Origin` on posts (as
 * browsers do), follows redirects itself (so each hop can be checked) and reads the forms'
 * hidden CSRF token from the page it is on.
 */
export class FormBrowser {
  readonly cookies = new Map<string, string>();
  /** The HTML of the last page, and where it came from. */
  page = '';
  url = '';
  constructor(readonly base: string, readonly origin = base) {}

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { accept: HTML, ...(cookie ? { cookie } : {}), ...extra };
  }

  /** GET, following redirects; answers every response on the way (the last is the page). */
  async get(path: string): Promise<Response[]> {
    const hops: Response[] = [];
    let url = new URL(path, this.base).toString();
    for (let i = 0; i < 5; i++) {
      const response = await fetch(url, { redirect: 'manual', headers: this.headers() });
      this.remember(response);
      hops.push(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        this.page = await response.text();
        this.url = url;
        return hops;
      }
      url = new URL(location, url).toString();
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** The CSRF token of the forms on the current page. */
  csrf(): string {
    return /name="_csrf" value="([^"]*)"/.exec(this.page)?.[1] ?? '';
  }

  /** Posts a form (with the page's CSRF token unless `_csrf` is given) and follows a 303 with a GET. */
  async post(path: string, fields: Record<string, string>, options: { origin?: string | null } = {}): Promise<Response[]> {
    const origin = options.origin === undefined ? this.origin : options.origin;
    const body = new URLSearchParams({ _csrf: this.csrf(), ...fields }).toString();
    const response = await fetch(new URL(path, this.base), {
      method: 'POST',
      redirect: 'manual',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }) }),
      body,
    });
    this.remember(response);
    const location = response.headers.get('location');
    if (response.status === 303 && location !== null) return [response, ...(await this.get(location))];
    this.page = await response.text();
    return [response];
  }
}
