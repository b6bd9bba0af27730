import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig, type Syncline } from '../../src/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { dropSchemas, postgresReachable, POSTGRES_URL, uniqueSchema } from '../support/postgres.js';

// A collection query holds at most `maxQueryConditions` conditions (each value of an `in`
// list counts as one). Beyond it the answer is 400 `invalid-query` before anything reaches
// SQL: about 1,000 conditions made SQLite answer "Expression tree is too large" (a 500).

const reachable = await postgresReachable();
const schemas: string[] = [];
afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

const MAX = DEFAULT_LIMITS.maxQueryConditions;

/** `count` conditions that every todo but none passes: `title[ne]=…` and an `id[in]` list holding the one id asked for. */
function conditions(count: number, id: string): string {
  const inValues = Math.floor(count / 2);
  const others = count - inValues - 1;
  const ids = [id, ...Array.from({ length: inValues - 1 }, (_, i) => `missing-${i}`)];
  return [`done=false`, ...Array.from({ length: others }, (_, i) => `title[ne]=not-${i}`), `id[in]=${ids.join(',')}`].join('&');
}

const storages: Array<[string, () => Promise<Syncline & AsyncDisposable>]> = [
  ['SQLite', () => createTestSyncline({ storage: createSqliteStorage({ filename: ':memory:' }) })],
  [
    'PostgreSQL',
    () => {
      const schema = uniqueSchema('query_size');
      schemas.push(schema);
      return createTestSyncline({ storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema }) });
    },
  ],
];

describe('the default bound', () => {
  it('is 50 conditions, and SYNCLINE_MAX_QUERY_CONDITIONS sets it', () => {
    expect(MAX).toBe(50);
    expect(loadConfig({}).limits.maxQueryConditions).toBe(50);
    expect(loadConfig({ SYNCLINE_MAX_QUERY_CONDITIONS: '120' }).limits.maxQueryConditions).toBe(120);
    expect(() => loadConfig({ SYNCLINE_MAX_QUERY_CONDITIONS: '0' })).toThrow(/SYNCLINE_MAX_QUERY_CONDITIONS/);
  });
});

for (const [name, open] of storages) {
  describe.skipIf(name === 'PostgreSQL' && !reachable)(`the bound on query conditions on ${name}`, () => {
    it('answers the largest allowed query, and 400 invalid-query one condition beyond it, on every surface', async () => {
      await using app = await open();
      const { port } = await app.listen(0, '127.0.0.1');
      const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
      const wanted = await request(app, 'POST', '/todos', { body: { title: 'wanted', list: list.body.id } });
      await request(app, 'POST', '/todos', { body: { title: 'other', list: list.body.id } });

      const largest = await request(app, 'GET', `/todos?${conditions(MAX, wanted.body.id)}`);
      expect(largest.status).toBe(200);
      expect(largest.body.items.map((item: { id: string }) => item.id)).toEqual([wanted.body.id]);

      const over = await request(app, 'GET', `/todos?${conditions(MAX + 1, wanted.body.id)}`);
      expect(over.status).toBe(400);
      expect(over.body).toMatchObject({ code: 'invalid-query', detail: `The query holds ${MAX + 1} conditions, more than the ${MAX} allowed (each value of an in list counts as one).` });
      expect(over.body.errors).toEqual([{ path: ['query'], message: expect.stringContaining(`more than the ${MAX} allowed`) }]);

      await using socket = await LiveClient.connect(port);
      expect((await socket.request('SUBSCRIBE', `/todos?${conditions(MAX, wanted.body.id)}`))['status']).toBe(200);
      expect((await socket.request('SUBSCRIBE', `/todos?${conditions(MAX + 1, wanted.body.id)}`))['status']).toBe(400);
      expect((await request(app, 'GET', `/todos/presence?${conditions(MAX, wanted.body.id)}`)).status).toBe(200);
      expect((await request(app, 'GET', `/todos/presence?${conditions(MAX + 1, wanted.body.id)}`)).body.code).toBe('invalid-query');
    });

    it('refuses about 1,000 conditions and a 1,000-value in list with 400, never 500, on collections and presence', async () => {
      await using app = await open();
      const many = Array.from({ length: 1000 }, (_, i) => `title[ne]=a${i}`).join('&');
      const longIn = `id[in]=${Array.from({ length: 1000 }, (_, i) => `id${i}`).join(',')}`;
      for (const query of [many, longIn]) {
        for (const path of ['/todos', '/todos/presence']) {
          const answer = await request(app, 'GET', `${path}?${query}`);
          expect(answer.status, path).toBe(400);
          expect(answer.body.code).toBe('invalid-query');
        }
      }
    });
  });
}
