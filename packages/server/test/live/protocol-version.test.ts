import { CLOSE_CODES, discoverySchema, helloEventSchema } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPollsSyncline } from '../actions/action-fixtures.js';
import { createTestSyncline } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createSignedInSyncline } from '../support/signed-in.js';

/** Opens a raw socket offering `protocols`; resolves with the selected subprotocol and how it closed, or the refused upgrade's status. */
function handshake(port: number, protocols: string[]): Promise<{ protocol: string; code: number; reason: string; frames: string[] } | { status: number }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, protocols);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(String(data)));
  return new Promise((resolve) => {
    socket.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    socket.on('close', (code, reason) => resolve({ protocol: socket.protocol, code, reason: reason.toString(), frames }));
  });
}

describe('protocol version and capabilities', () => {
  it('hello names the version range and what this server offers', async () => {
    await using plain = await createTestSyncline();
    const { port } = await plain.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const hello = helloEventSchema.parse(client.frames[0]);
    expect(hello.protocol).toEqual({ version: '1.0', min: '1.0', max: '1.0' });
    expect(hello.capabilities).toEqual(['reconcile', 'presence', 'idempotency', 'event-streams']);

    // Actions and sign-in are named only by servers that have them.
    await using polls = await createPollsSyncline();
    const pollsPort = (await polls.listen(0, '127.0.0.1')).port;
    await using pollsClient = await LiveClient.connect(pollsPort);
    expect(pollsClient.frames[0]?.['capabilities']).toContain('actions');
    expect(pollsClient.frames[0]?.['capabilities']).not.toContain('sign-in');
    await using signedIn = await createSignedInSyncline();
    const signedInPort = (await signedIn.listen(0, '127.0.0.1')).port;
    await using signedInClient = await LiveClient.connect(signedInPort);
    expect(signedInClient.frames[0]?.['capabilities']).toContain('sign-in');
    expect(signedInClient.frames[0]?.['capabilities']).not.toContain('actions');
  });

  it('GET /_syncline says over HTTP what hello says, to anyone, and refuses other methods', async () => {
    await using app = await createSignedInSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const answer = await fetch(`http://127.0.0.1:${port}/_syncline`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const discovery = discoverySchema.parse(await answer.json());
    expect(discovery).toEqual({ protocol: client.frames[0]?.['protocol'], capabilities: client.frames[0]?.['capabilities'], livePath: '/live', heartbeatMs: 25_000 });

    const post = await fetch(`http://127.0.0.1:${port}/_syncline`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toMatchObject({ code: 'method-not-allowed' });
  });

  it('a client of another major is accepted only to be closed with 4406, naming the versions spoken; no hello', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    expect(await handshake(port, ['syncline.2'])).toEqual({ protocol: 'syncline.2', code: CLOSE_CODES.protocolNotSupported, reason: 'supported: 1.0-1.0', frames: [] });
    expect(app.stats().connections).toBe(0);
  });

  it('a client offering several majors gets the one the server speaks; one offering no syncline.<major> is refused with 400', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, ['syncline.2', 'syncline.1']);
    const hello = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    expect(socket.protocol).toBe('syncline.1');
    expect(JSON.parse(hello)).toMatchObject({ event: 'hello', protocol: { version: '1.0' } });
    socket.close();
    expect(await handshake(port, ['syncline.bearer.abc'])).toEqual({ status: 400 });
    expect(await handshake(port, ['graphql-ws'])).toEqual({ status: 400 });
  });
});
