import { SynclineError } from '@syncline/protocol';
import type { ActionRecord, RecordOf } from '@syncline/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createPollsSyncline, polls } from '../../server/test/actions/action-fixtures.js';
import { connectClient, until } from './support.js';

const signedInAsAna = { context: ({ transport }: { transport: 'http' | 'websocket' | 'internal' }) => ({ transport, principal: { id: 'ana' } }) };

describe.each(['socket', 'http'] as const)('typed action calls over %s', (transport) => {
  it('runs record and collection actions, answers typed results and stores the target record', async () => {
    await using app = await createPollsSyncline(signedInAsAna);
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport });
    const api = client.resource(polls);

    const created = await api.collectionAction('create', { question: 'Lunch?', choices: ['Soup', 'Salad'] });
    expectTypeOf(created).toEqualTypeOf<ActionRecord>();
    const voted = await api.action('vote', created.id, { choice: 'c2' });
    expectTypeOf(voted).toEqualTypeOf<RecordOf<typeof polls>>();
    expect(voted.choices.map((choice) => choice.votes)).toEqual([0, 1]);
    expect(client.store.get(`/polls/${created.id}`)).toMatchObject({ etag: `"${voted.version}"`, data: voted });
    const voters = await api.action('voters', created.id, {});
    expectTypeOf(voters).toEqualTypeOf<string[]>();
    expect(voters).toEqual(['ana']);

    const refused = await api.action('vote', created.id, { choice: 'c9' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SynclineError);
    expect(refused).toMatchObject({ code: 'validation-failed', status: 422 });

    // @ts-expect-error: the input of `vote` is `{ choice: string }`
    await expect(api.action('vote', created.id, { choice: 5 })).rejects.toMatchObject({ status: 422 });
    // @ts-expect-error: `create` is a collection action, not a record action
    await expect(api.action('create', created.id, {})).rejects.toMatchObject({ status: 404 });
    // @ts-expect-error: no such action
    await expect(api.action('nope', created.id, {})).rejects.toMatchObject({ status: 404 });
  });
});

describe('an action and live views', () => {
  it("a live record follows an action's writes", async () => {
    await using app = await createPollsSyncline(signedInAsAna);
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    await using other = connectClient(port, { transport: 'http' });
    const created = await client.resource(polls).collectionAction('create', { question: 'Tea?', choices: ['Yes', 'No'] });
    const view = client.resource(polls).live(created.id);
    await until(view, (poll) => poll !== undefined);
    await other.resource(polls).action('vote', created.id, { choice: 'c1' });
    const seen = await until(view, (poll) => poll?.choices[0]?.votes === 1);
    expect(seen?.choices.map((choice) => choice.votes)).toEqual([1, 0]);
  });
});
