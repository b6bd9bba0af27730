/**
 * The query object against a real server: it lists and follows exactly what the query
 * string it stands for does, over the socket and over HTTP; its types are checked by `tsc`
 * (a `@ts-expect-error` line that compiled would fail the typecheck).
 */
import { defineResource, type RecordOf } from '@syncline/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { ListQuery, LiveView } from '../src/index.js';
import { connectClient, createTestSyncline, until } from './support.js';

const tasks = defineResource({
  name: 'tasks',
  schema: z.object({
    title: z.string(),
    done: z.boolean().default(false),
    priority: z.number().int().default(0),
    status: z.enum(['open', 'closed']).default('open'),
    note: z.string().nullable().default(null),
    tags: z.array(z.string()).default([]),
    board: z.string(),
  }),
  references: { board: 'boards' },
});
const boards = defineResource({ name: 'boards', schema: z.object({ name: z.string() }) });
type Task = RecordOf<typeof tasks>;

/** Each query object beside the query string written by hand for the same query. */
const PAIRS: ReadonlyArray<readonly [ListQuery<typeof tasks>, string]> = [
  [{ where: { done: false }, order: '-priority' }, 'done=false&order=-priority'],
  [{ where: { priority: { gte: 2, lt: 5 } }, order: ['status', '-title'] }, 'priority[gte]=2&priority[lt]=5&order=status,-title'],
  [{ where: { status: { in: ['closed'] }, note: { ne: null } }, order: 'title' }, 'status[in]=closed&note[ne]=null&order=title'],
  [{ where: { note: null, tags: { contains: 'urgent' } }, order: '-createdAt' }, 'note=null&tags[contains]=urgent&order=-createdAt'],
  [{ where: { title: { gt: 'b' }, done: { ne: true } }, order: 'title', limit: 2 }, 'title[gt]=b&done[ne]=true&order=title&limit=2'],
];

const SEED: ReadonlyArray<Omit<Partial<Task>, 'id' | 'version' | 'createdAt' | 'updatedAt'> & { title: string }> = [
  { title: 'a', priority: 1, tags: ['urgent'] },
  { title: 'b', priority: 2, done: true, note: 'seen', status: 'closed' },
  { title: 'c', priority: 3, tags: ['urgent', 'home'], note: 'later' },
  { title: 'd', priority: 4, status: 'closed' },
  { title: 'e', priority: 5, done: true, tags: ['home'] },
  { title: 'f', priority: 2, note: 'x', status: 'closed' },
];

const titles = (items: readonly Task[]): string[] => items.map((item) => item.title);

describe('query objects are checked against the resource', () => {
  it('types each query and the records it answers', () => {
    const client = connectClient(9, { transport: 'http' });
    const api = client.resource(tasks);
    expectTypeOf(api.liveQuery).returns.toEqualTypeOf<LiveView<readonly Task[]>>();
    expectTypeOf(api.list).returns.resolves.toHaveProperty('items').toEqualTypeOf<Task[]>();
    expectTypeOf(api.liveQuery).toBeCallableWith({ where: { board: 'b1', priority: { gte: 2 } }, order: ['-priority', 'title'], limit: 50 });
    const mistakes = [
      // @ts-expect-error "titel" is no field of tasks
      () => api.list({ where: { titel: 'x' } }),
      // @ts-expect-error "priorty" is no field to order by
      () => api.list({ order: '-priorty' }),
      // @ts-expect-error done is a boolean
      () => api.list({ where: { done: 'no' } }),
      // @ts-expect-error no range over a boolean
      () => api.liveQuery({ where: { done: { gt: false } } }),
      // @ts-expect-error contains is for arrays
      () => api.liveQuery({ where: { title: { contains: 'a' } } }),
      // @ts-expect-error the flat form of params: conditions go under where
      () => api.liveQuery({ board: 'b1' }),
      // A query string is checked at run time only: this compiles, and the server refuses it.
      () => api.list('titel=x'),
    ];
    expect(mistakes).toHaveLength(7);
  });
});

describe.each(['socket', 'http'] as const)('query objects against a server, over %s', (transport) => {
  it('list answers what the equivalent query string answers, and each object is written as that string\'s query', async () => {
    await using app = await createTestSyncline({ resources: [boards, tasks] });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport });
    const board = await client.resource(boards).create({ name: 'Home' });
    const api = client.resource(tasks);
    for (const task of SEED) await api.create({ ...task, board: board.id });

    for (const [object, text] of PAIRS) {
      const byObject = await api.list(object);
      const byString = await api.list(text);
      expect(titles(byObject.items), text).toEqual(titles(byString.items));
      expect(byObject.next, text).toEqual(byString.next);
      expect(byObject.items.length, text).toBeGreaterThan(0);
    }
    // The filters match what they say.
    expect(titles((await api.list(PAIRS[0]![0])).items)).toEqual(['d', 'c', 'f', 'a']);
    expect(titles((await api.list({ where: { note: null, tags: { contains: 'urgent' } } })).items)).toEqual(['a']);
    await expect(api.list('titel=x')).rejects.toMatchObject({ code: 'invalid-query' });
  });

  // Live views need a live transport: over `http` there are none, so this case is declared for the socket only.
  if (transport === 'socket') it('a live query object holds what its string holds, and follows changes alike', async () => {
    await using app = await createTestSyncline({ resources: [boards, tasks] });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport });
    const board = await client.resource(boards).create({ name: 'Home' });
    const api = client.resource(tasks);
    for (const task of SEED) await api.create({ ...task, board: board.id });

    const views = PAIRS.map(([object, text]) => [api.liveQuery(object), api.liveQuery(text), text] as const);
    await Promise.all(views.flatMap(([byObject, byString]) => [byObject.ready, byString.ready]));
    for (const [byObject, byString, text] of views) expect(titles(byObject.getSnapshot()), text).toEqual(titles(byString.getSnapshot()));

    const [openByObject, openByString] = views[0]!;
    const added = await api.create({ title: 'g', priority: 9, board: board.id });
    await until(openByObject, (items) => items[0]?.id === added.id);
    await until(openByString, (items) => items[0]?.id === added.id);
    expect(titles(openByObject.getSnapshot())).toEqual(titles(openByString.getSnapshot()));
    for (const [byObject, byString] of views) (byObject.close(), byString.close());
  });
});
