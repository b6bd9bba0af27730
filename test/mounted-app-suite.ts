import { createClient, type SynclineClient } from '@syncline/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { messages } from '@syncline/example-express/resources';

/** An application of the mounting examples: Syncline and the framework's own routes on one server. */
export interface MountedApp {
  /** Listens (port 0 picks a free one) and answers the port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export interface MountedAppSuiteOptions {
  /** The framework's name, as the example's page says it. */
  readonly framework: string;
  /** A new application on in-memory SQLite. */
  readonly create: () => Promise<MountedApp>;
  /** The example's `messages` resource (each example declares its own). */
  readonly messages: typeof messages;
  /** Asserts that the answer to an unknown path is the framework's own 404. */
  readonly expectOwnNotFound: (response: Response) => Promise<void>;
}

/**
 * The tests every mounting example passes (Express, Fastify): its own routes and Syncline's on
 * one port, a write reaching another client live, one sign-in for both, and unknown paths left
 * to the framework.
 *
 * @example
 * describeMountedApp({ framework: 'Express', create: () => createExpressApp({ filename: ':memory:' }), messages, expectOwnNotFound });
 */
export function describeMountedApp(options: MountedAppSuiteOptions): void {
  describe(`Syncline mounted in a ${options.framework} application`, () => {
    const open: Array<{ close(): unknown }> = [];
    afterEach(async () => {
      for (const each of open.splice(0).reverse()) await each.close();
    });

    async function start(): Promise<string> {
      const app = await options.create();
      open.push(app);
      return `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    }

    async function signedIn(url: string, username: string): Promise<SynclineClient> {
      const client = createClient({ url });
      open.push(client);
      await client.auth.signUp(username, 'correct horse');
      return client;
    }

    it('answers its own routes and Syncline\'s on one port, and a write reaches another client live', async () => {
      const url = await start();
      const hello = await fetch(`${url}/api/hello`);
      expect(hello.status).toBe(200);
      expect(await hello.json()).toEqual({ hello: null });
      const page = await fetch(`${url}/`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain(`${options.framework} and Syncline on one port`);
      expect((await fetch(`${url}/messages`)).status).toBe(401); // Syncline's rule, not the framework's

      const ana = await signedIn(url, 'ana');
      const ben = await signedIn(url, 'ben');
      const board = ana.resource(options.messages).liveQuery({});
      const seen: string[][] = [];
      board.subscribe(() => void seen.push(board.getSnapshot().map((message) => `${message.author}: ${message.text}`)));
      await board.ready;
      const created = await ben.resource(options.messages).create({ text: 'Hello from Ben' }); // POST over the socket
      expect(created.author).toBe('ben');
      await expect.poll(() => seen.at(-1)).toEqual(['ben: Hello from Ben']);
      board.close();
    });

    it('finds the same signed-in user for its own route, from the session cookie or the bearer token', async () => {
      const url = await start();
      const json = { 'content-type': 'application/json' };
      expect((await fetch(`${url}/users`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'ana', password: 'correct horse' }) })).status).toBe(201);
      const signIn = await fetch(`${url}/session`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'ana', password: 'correct horse' }) });
      expect(signIn.status).toBe(201);
      const { token } = (await signIn.json()) as { token: string };
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/=/);

      expect(await (await fetch(`${url}/api/hello`, { headers: { cookie } })).json()).toEqual({ hello: 'ana' });
      expect(await (await fetch(`${url}/api/hello`, { headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ hello: 'ana' });
      // As on Syncline's own routes, a request with an Authorization header is not signed in by its cookie.
      expect(await (await fetch(`${url}/api/hello`, { headers: { cookie, authorization: 'Bearer wrong' } })).json()).toEqual({ hello: null });

      // The same credentials on Syncline's REST routes: a POST with the token, a GET with the cookie.
      const posted = await fetch(`${url}/messages`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ text: 'Posted over HTTP' }) });
      expect(posted.status).toBe(201);
      const listed = (await (await fetch(`${url}/messages`, { headers: { cookie } })).json()) as { items?: unknown[] } | unknown[];
      expect(JSON.stringify(listed)).toContain('Posted over HTTP');
      // And Syncline's event stream on the same server, signed in by the cookie.
      const stopped = new AbortController();
      const stream = await fetch(`${url}/messages`, { headers: { cookie, accept: 'text/event-stream' }, signal: stopped.signal });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = stream.body?.getReader();
      const first = new TextDecoder().decode((await reader?.read())?.value);
      expect(first).toContain('Posted over HTTP');
      stopped.abort();
    });

    it(`leaves unknown paths to ${options.framework}, which answers its own 404`, async () => {
      const url = await start();
      const missing = await fetch(`${url}/no-such-page`);
      expect(missing.status).toBe(404);
      await options.expectOwnNotFound(missing);
    });
  });
}
