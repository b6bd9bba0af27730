import { isSynclineError, type PresenceMember } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import type { Presence } from '../src/presence/presence-channel.js';
import { connectClient, createTestSyncline, request, whenOpen } from './support.js';

/** A test server where the bearer token is the user's id (on HTTP and on the socket's subprotocol). */
async function server() {
  const app = await createTestSyncline({
    context: ({ transport, headers }) => {
      const token = headers['authorization']?.replace(/^Bearer /, '') ?? headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).find((p) => p.startsWith('syncline.bearer.'))?.slice('syncline.bearer.'.length);
      return token ? { transport, principal: { id: token } } : { transport };
    },
  });
  const { port } = await app.listen(0, '127.0.0.1');
  const list = await request(app, 'POST', '/lists', { body: { title: 'Groceries' } });
  return { app, port, list: `/lists/${list.body.id as string}` };
}

/** Resolves once the members pass `test` (checked now and on every change); no sleeping. */
function until(presence: Presence, test: (members: readonly PresenceMember[]) => boolean, timeoutMs = 5000): Promise<readonly PresenceMember[]> {
  return new Promise((resolve, reject) => {
    let stop = (): void => {};
    const timer = setTimeout(() => (stop(), reject(new Error(`members: ${JSON.stringify(presence.members())}`))), timeoutMs);
    stop = presence.subscribe((members) => {
      if (!test(members)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(members);
    });
    if (test(presence.members())) (clearTimeout(timer), queueMicrotask(() => stop()), resolve(presence.members()));
  });
}
const states = (members: readonly PresenceMember[]): string[] => members.map((member) => `${member.user} ${member.state}`);

describe('client.presence', () => {
  it('join, update and leave reach another client watching the same URI', async () => {
    const { app, port, list } = await server();
    await using _app = app;
    await using ana = connectClient(port, { token: () => 'ana' });
    await using bob = connectClient(port, { token: () => 'bob' });
    const watching = bob.presence(list);
    expect(watching.uri).toBe(`${list}/presence`);
    const changes: string[] = [];
    let answered!: () => void;
    const subscribed = new Promise<void>((resolve) => (answered = resolve));
    const stop = watching.subscribe((_members, change) => void (change ? changes.push(`${change.op} ${change.member.user} ${change.member.state}`) : answered()));
    await subscribed;

    await ana.presence(list).join('editing', { field: 'title' });
    expect(await until(watching, (members) => members.length === 1)).toEqual([{ user: 'ana', state: 'editing', data: { field: 'title' } }]);
    await ana.presence(`${list}/presence`).update('viewing');
    await until(watching, (members) => states(members).join() === 'ana viewing');
    await ana.presence(list).leave();
    await until(watching, (members) => members.length === 0);
    expect(changes).toEqual(['join ana editing', 'update ana viewing', 'leave ana viewing']);
    stop();
  });

  it('after a reconnect it announces again (the server forgot the old socket) and subscribes again', async () => {
    const { app, port, list } = await server();
    await using _app = app;
    await using ana = connectClient(port, { token: () => 'ana' });
    await using bob = connectClient(port, { token: () => 'bob' });
    const watching = bob.presence(list);
    const changes: string[] = [];
    let answered!: () => void;
    const subscribed = new Promise<void>((resolve) => (answered = resolve));
    watching.subscribe((_members, change) => void (change ? changes.push(`${change.op} ${change.member.user}`) : answered()));
    await subscribed;
    await ana.presence(list).join('editing');
    await until(watching, (members) => members.length === 1);

    ana.reconnect();
    await until(watching, () => changes.includes('leave ana') && watching.members().length === 1);
    expect(changes).toEqual(['join ana', 'leave ana', 'join ana']);

    // The watcher's own socket drops: its list comes back from the new subscription's answer.
    await bob.presence(list).join('viewing');
    bob.reconnect();
    await whenOpen(bob);
    expect(states(await until(watching, (members) => members.length === 2))).toEqual(['ana editing', 'bob viewing']);
    await ana.presence(list).leave();
    expect(states(await until(watching, (members) => members.length === 1))).toEqual(['bob viewing']);
  });

  it('a refused announcement rejects with the server\'s error; presence needs the socket', async () => {
    const { app, port, list } = await server();
    await using _app = app;
    await using ana = connectClient(port, { token: () => 'ana' });
    const error: unknown = await ana.presence(list).join('Not a state!').catch((caught: unknown) => caught);
    expect(isSynclineError(error) && error.code).toBe('validation-failed');
    const missing: unknown = await ana.presence('/lists/missing').join('viewing').catch((caught: unknown) => caught);
    expect(isSynclineError(missing) && missing.code).toBe('not-found');
    await using http = connectClient(port, { transport: 'http' });
    expect(() => http.presence(list)).toThrow(/socket/);
  });
});
