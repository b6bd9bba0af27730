import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { createSignedInSyncline } from '../support/signed-in.js';

const origin = 'http://localhost';

/** The events of an event-stream body as they arrive: `event:` name and `data:` text, split on blank lines. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    reader,
    /** The next event that has a name (comments and bare `id:` lines are skipped). */
    async next(): Promise<{ event: string; data: string; id: string | undefined }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          if (event === undefined) continue;
          const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          return { event, data, id: lines.find((line) => line.startsWith('id: '))?.slice(4) };
        }
        const { done, value } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

describe('syncline.fetch: the HTTP surface on Fetch Request and Response', () => {
  it('answers a resource request as handle() does, with the security headers', async () => {
    await using app = await createTestSyncline();
    const created = await app.fetch(new Request(`${origin}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'L' }) }));
    expect(created.status).toBe(201);
    const list = await created.json();
    expect(list.title).toBe('L');

    const response = await app.fetch(new Request(`${origin}/lists/${list.id}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toBe((await request(app, 'GET', `/lists/${list.id}`)).headers['etag']);
    expect(await response.json()).toMatchObject({ id: list.id, title: 'L' });
  });

  it('answers discovery and a 304 without a body', async () => {
    await using app = await createTestSyncline();
    const discovery = await app.fetch(new Request(`${origin}/_syncline`));
    expect(discovery.status).toBe(200);
    expect((await discovery.json()).livePath).toBe('/live');
    const list = await (await app.fetch(new Request(`${origin}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"L"}' }))).json();
    const first = await app.fetch(new Request(`${origin}/lists/${list.id}`));
    const again = await app.fetch(new Request(`${origin}/lists/${list.id}`, { headers: { 'if-none-match': first.headers.get('etag')! } }));
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
  });

  it('answers 404 for a path that is not a resource, and 421 for a Host it does not serve', async () => {
    await using app = await createTestSyncline();
    const missing = await app.fetch(new Request(`${origin}/pages/home`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const rebound = await app.fetch(new Request('http://attacker.example/lists'));
    expect(rebound.status).toBe(421);
  });

  it('refuses a body over the limit by its Content-Length, and by its bytes when none is declared', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 64 } });
    const big = JSON.stringify({ title: 'x'.repeat(100) });
    const declared = await app.fetch(new Request(`${origin}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }));
    expect(declared.status).toBe(413);
    expect((await declared.json()).code).toBe('payload-too-large');

    let pulled = 0;
    const chunks = [big.slice(0, 40), big.slice(40, 80), big.slice(80), 'never read'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[pulled++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const streamed = await app.fetch(new Request(`${origin}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit));
    expect(streamed.status).toBe(413);
    // Reading stopped at the chunk that passed the limit.
    expect(pulled).toBeLessThan(chunks.length);
    const fits = await app.fetch(new Request(`${origin}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"ok"}' }));
    expect(fits.status).toBe(201);
  });

  it('serves the sign-in routes, with a Secure cookie over TLS, and a signed-in caller by its bearer token', async () => {
    await using app = await createSignedInSyncline();
    const credentials = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"ana","password":"correct horse"}' };
    expect((await app.fetch(new Request(`${origin}/users`, credentials))).status).toBe(201);
    const plain = await app.fetch(new Request(`${origin}/session`, credentials));
    expect(plain.status).toBe(201);
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
    const tls = await app.fetch(new Request('https://localhost/session', credentials));
    expect(tls.headers.get('set-cookie')).toContain('Secure');
    const { token } = await tls.json();
    const anonymous = await app.fetch(new Request(`${origin}/notes`));
    expect(anonymous.status).toBe(401);
    const mine = await app.fetch(new Request(`${origin}/notes`, { headers: { authorization: `Bearer ${token}` } }));
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toMatch(/^private/);
  });

  it('takes the client address from info for the per-address limits', async () => {
    await using app = await createTestSyncline({ limits: { maxConnectionsPerAddress: 1 } });
    const follow = (remoteAddress: string) => app.fetch(new Request(`${origin}/lists`, { headers: { accept: 'text/event-stream' } }), { remoteAddress });
    const first = await follow('203.0.113.1');
    expect(first.status).toBe(200);
    expect((await follow('203.0.113.1')).status).toBe(429);
    const other = await follow('203.0.113.2');
    expect(other.status).toBe(200);
    await first.body!.cancel();
    await other.body!.cancel();
  });
});

describe('syncline.fetch: event streams as a ReadableStream', () => {
  it('streams the snapshot, then changes, and frees the stream on the server when the client cancels', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const uri = `/todos?list=${list.body.id}`;
    const response = await app.fetch(new Request(`${origin}${uri}`, { headers: { accept: 'text/event-stream' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const events = eventReader(response.body!);
    const snapshot = await events.next();
    expect(snapshot.event).toBe('snapshot');
    expect(JSON.parse(snapshot.data)).toMatchObject({ subscription: 0, resource: uri, status: 200 });
    expect(app.stats()).toMatchObject({ streams: 1, subscriptions: 1 });

    const todo = await request(app, 'POST', '/todos', { body: { title: 'first', list: list.body.id } });
    await app.flush();
    const change = await events.next();
    expect(change.event).toBe('change');
    expect(JSON.parse(change.data)).toMatchObject({ op: 'enter', body: { id: todo.body.id, title: 'first' } });
    expect(change.id).toBe(String(todo.body.version));

    await events.reader.cancel();
    expect(app.stats()).toMatchObject({ streams: 0, subscriptions: 0 });
  });

  it('answers a problem instead of a stream when a subscription is refused before it starts', async () => {
    await using app = await createTestSyncline();
    const response = await app.fetch(new Request(`${origin}/live/events`));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(app.stats().streams).toBe(0);
  });

  it('ends a stream whose reader stops reading once its unread bytes pass maxBufferedBytes', async () => {
    await using app = await createTestSyncline({ limits: { maxBufferedBytes: 2_000 } });
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const response = await app.fetch(new Request(`${origin}/todos?list=${list.body.id}`, { headers: { accept: 'text/event-stream' } }));
    const events = eventReader(response.body!);
    expect((await events.next()).event).toBe('snapshot');
    // Nothing is read from here on: every change stays queued in the body.
    for (let i = 0; i < 20; i++) await request(app, 'POST', '/todos', { body: { title: `todo ${i} ${'x'.repeat(100)}`, list: list.body.id } });
    await app.flush();
    expect(app.stats()).toMatchObject({ streams: 0, slowConsumers: 1 });
  });

  it('frees the stream when the request is aborted (the client went away)', async () => {
    await using app = await createTestSyncline();
    const abort = new AbortController();
    const response = await app.fetch(new Request(`${origin}/lists`, { headers: { accept: 'text/event-stream' }, signal: abort.signal }));
    expect(response.status).toBe(200);
    expect(app.stats().streams).toBe(1);
    abort.abort();
    expect(app.stats().streams).toBe(0);
  });
});
