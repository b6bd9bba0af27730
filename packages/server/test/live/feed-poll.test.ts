import { describe, expect, it } from 'vitest';
import { createMemoryBackplane, type Backplane } from '../../src/index.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

/** A backplane that looks healthy and delivers nothing: publishes vanish, as on a pub/sub link gone quiet. */
function silentBackplane(): Backplane {
  const inner = createMemoryBackplane();
  return { ...inner, publish: async () => {}, subscribe: () => () => {} };
}

describe("the change feed's poll", () => {
  it('delivers a change the backplane lost at the next poll, not before', async () => {
    const clock = createManualClock();
    await using app = await createTestSyncline({ clock, backplane: silentBackplane(), limits: { feedPollMs: 5_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const created = await request(app, 'POST', '/lists', { body: { title: 'lost on the way' } });
    expect(created.status).toBe(201);
    await clock.advance(4_999);
    // A request answered after the change was committed: an event sent before it would be in by now.
    await client.request('GET', '/lists');
    expect(client.events('all')).toEqual([]);
    expect(app.stats().seq).toBe(0);
    await clock.advance(1);
    // Well within the poll's real period, so only the moved clock can have brought it.
    const [event] = await client.eventsFor('all', 1, 1_000);
    expect(event).toMatchObject({ resource: `/lists/${created.body.id}`, seq: created.body.version });
  });
});
