import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';

async function seed(app: Parameters<typeof request>[0]) {
  const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
  const other = await request(app, 'POST', '/lists', { body: { title: 'O' } });
  for (let i = 0; i < 7; i++) {
    await request(app, 'POST', '/todos', { body: { title: `t${i}`, list: list.body.id, order: i % 3, done: i % 2 === 0 } });
  }
  await request(app, 'POST', '/todos', { body: { title: 'elsewhere', list: other.body.id } });
  return list.body.id as string;
}

describe('HTTP collections', () => {
  it('filters by equality and range, orders, and answers the position', async () => {
    await using app = await createTestSyncline();
    const list = await seed(app);
    const page = await request(app, 'GET', `/todos?list=${list}&done=true&order[gte]=1&order=-order,title`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((t: { title: string }) => t.title)).toEqual(['t2', 't4']);
    expect(page.body.next).toBeNull();
    expect(Number(page.headers['syncline-seq'])).toBe(10);
  });

  it('paginates with a keyset cursor: every record once, with Link rel=next', async () => {
    await using app = await createTestSyncline();
    const list = await seed(app);
    const seen: string[] = [];
    let uri: string | null = `/todos?list=${list}&order=order&limit=3`;
    let pages = 0;
    while (uri !== null) {
      const page = await request(app, 'GET', uri);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((t: { title: string }) => t.title));
      if (page.body.next) expect(page.headers['link']).toBe(`<${page.body.next}>; rel="next"`);
      uri = page.body.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('an invalid query is 400 with the offending parameters', async () => {
    await using app = await createTestSyncline();
    const response = await request(app, 'GET', '/todos?nope=1&done=maybe&limit=100000');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid-query');
    const paths = response.body.errors.map((e: { path: string[] }) => e.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['query.nope', 'query.done', 'query.limit']));
  });

  it('a default page size applies and the next link continues', async () => {
    await using app = await createTestSyncline({ limits: { defaultPageSize: 2 } });
    await seed(app);
    const page = await request(app, 'GET', '/todos');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.next).toMatch(/^\/todos\?.*after=/);
  });
});
