import { defineAction, defineResource } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createPollsSyncline } from './action-fixtures.js';

const as = (user: string): Record<string, string> => ({ 'x-user': user });

describe('action inputs are strict, as record writes are', () => {
  it('refuses an unknown input field with 422, the problem a record write gives, and runs nothing', async () => {
    await using app = await createPollsSyncline();
    const created = await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Colour?', choices: ['Red', 'Blue'] } });
    const poll = created.body as { id: string; version: number };
    const typo = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: { choice: 'c1', choise: 'c2' } });
    expect(typo.status).toBe(422);
    expect(typo.body).toEqual({
      type: 'urn:syncline:error:validation-failed',
      title: 'Validation failed',
      status: 422,
      code: 'validation-failed',
      detail: 'The input of polls.vote is not valid.',
      instance: `/polls/${poll.id}/vote`,
      errors: [{ path: ['choise'], message: 'unknown field' }],
    });
    // The same shape as a record write naming an unknown field.
    const record = await request(app, 'PUT', `/polls/${poll.id}`, { headers: as('ana'), body: { question: 'Colour?', choices: [], owner: 'ana', choise: 1 } });
    expect(record.body.errors).toContainEqual({ path: ['choise'], message: 'unknown field' });
    expect((await request(app, 'GET', `/polls/${poll.id}`, { headers: as('bob') })).body.version).toBe(poll.version);
    // A collection action and an empty input alike.
    const extra = await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Q', choices: ['a', 'b'], closed: true } });
    expect(extra).toMatchObject({ status: 422, body: { errors: [{ path: ['closed'], message: 'unknown field' }] } });
    expect((await request(app, 'POST', `/polls/${poll.id}/close`, { headers: as('ana'), body: { force: true } })).status).toBe(422);
  });

  it('refuses it over the socket too, and still runs a valid input', async () => {
    await using app = await createPollsSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const poll = (await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Colour?', choices: ['Red', 'Blue'] } })).body as { id: string };
    await using socket = await LiveClient.connect(port, { headers: as('bob') });
    const refused = await socket.request('POST', `/polls/${poll.id}/vote`, { body: { choice: 'c1', weight: 10 } });
    expect(refused['status']).toBe(422);
    expect((refused['body'] as { errors: unknown }).errors).toEqual([{ path: ['weight'], message: 'unknown field' }]);
    const voted = await socket.request('POST', `/polls/${poll.id}/vote`, { body: { choice: 'c1' } });
    expect(voted['status']).toBe(200);
    expect((voted['body'] as { choices: Array<{ votes: number }> }).choices.map((c) => c.votes)).toEqual([1, 0]);
  });

  it('keeps an input schema that asks for unknown keys (looseObject) as declared', async () => {
    let received: unknown;
    const notes = defineResource({
      name: 'notes',
      schema: z.object({ text: z.string() }),
      actions: {
        tag: defineAction({
          input: z.looseObject({ tag: z.string() }),
          handler: ({ input }) => {
            received = input;
            return { ok: true };
          },
        }),
      },
    });
    const syncline = await createSyncline({ resources: [notes], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
    await using _closing = Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
    const note = await request(syncline, 'POST', '/notes', { body: { text: 'n' } });
    expect((await request(syncline, 'POST', `/notes/${note.body.id}/tag`, { body: { tag: 't', extra: 1 } })).status).toBe(200);
    expect(received).toEqual({ tag: 't', extra: 1 });
  });
});
