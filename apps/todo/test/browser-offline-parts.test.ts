import { createClient, type ConnectionState, type ConnectionStateListener } from '@syncline/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeConflict } from '../src/browser/conflict-prompt.js';
import { createReachability, offlineOptions, outboxText, replicaName, withReachability } from '../src/browser/offline-ui.js';

const refused = (): Promise<Response> => Promise.reject(new TypeError('Failed to fetch'));
const answered = (): Promise<Response> => Promise.resolve(new Response(null, { status: 503 }));
const aborted = (): Promise<Response> => Promise.reject(new DOMException('The user aborted a request.', 'AbortError'));

describe('the outbox indicator', () => {
  it('says offline with the count, sending once the server answers, and nothing when all are sent', () => {
    expect(outboxText(3, false)).toBe('Offline, 3 changes waiting');
    expect(outboxText(1, false)).toBe('Offline, 1 change waiting');
    expect(outboxText(0, false)).toBe('Offline');
    expect(outboxText(2, true)).toBe('Sending 2 changes…');
    expect(outboxText(1, true)).toBe('Sending 1 change…');
    expect(outboxText(0, true)).toBe('');
  });
});

describe('reachability', () => {
  it('follows fetch: a network failure is unreachable, any answer reachable, an abort says nothing', async () => {
    let next: () => Promise<Response> = refused;
    const reach = createReachability(() => next());
    const heard: boolean[] = [];
    reach.subscribe(() => heard.push(reach.reachable()));
    expect(reach.reachable()).toBe(true);
    await expect(reach.fetch('/todos')).rejects.toThrow('Failed to fetch');
    expect(reach.reachable()).toBe(false);
    next = aborted;
    await expect(reach.fetch('/todos')).rejects.toThrow('aborted');
    expect(reach.reachable()).toBe(false);
    next = answered;
    expect((await reach.fetch('/todos')).status).toBe(503);
    expect(heard).toEqual([false, true]);
  });

  it('follows the socket: open is reachable, a failed reconnect is not; the page’s first attempt and states reported over event streams say nothing', () => {
    const reach = createReachability(answered);
    let listener: ConnectionStateListener = () => {};
    let transport: 'socket' | 'sse' | 'http' = 'socket';
    reach.follow({ onStateChange: (next) => ((listener = next), () => {}), transport: () => transport });
    const say = (state: ConnectionState): boolean => (listener(state), reach.reachable());
    expect(say({ kind: 'connecting', attempt: 1 })).toBe(true);
    expect(say({ kind: 'connecting', attempt: 2 })).toBe(false);
    // The fallback to event streams reports `open` without the server having answered.
    transport = 'sse';
    expect(say({ kind: 'open' })).toBe(false);
    transport = 'socket';
    expect(say({ kind: 'open' })).toBe(true);
    expect(say({ kind: 'closed', reason: 'closed by the client' })).toBe(false);
  });
});

describe('the connection status corrected by reachability', () => {
  it('says reconnecting while the server is out of reach though the client says open, and open again once it answers', async () => {
    let next: () => Promise<Response> = refused;
    const reach = createReachability(() => next());
    // Over HTTP only, the client never leaves `open`, as after its fallback to event streams.
    const client = createClient({ url: 'http://127.0.0.1:9', transport: 'http' });
    const status = withReachability(client, reach);
    const heard: ConnectionState[] = [];
    const stop = status.onStateChange((state) => heard.push(state));
    expect(status.state()).toEqual({ kind: 'open' });
    await reach.fetch('/todos').catch(() => {});
    expect(status.state()).toEqual({ kind: 'connecting', attempt: 2 });
    next = answered;
    await reach.fetch('/todos');
    expect(heard).toEqual([{ kind: 'connecting', attempt: 2 }, { kind: 'open' }]);
    stop();
    client.close();
    expect(status.state()).toEqual({ kind: 'closed', reason: 'closed by the client' });
  });
});

describe('the offline option of the page', () => {
  it('names one replica per user and origin (its storage, and the lock and channel its tabs share), merges todos and lists, and falls back to memory without browser storage', async () => {
    expect(replicaName('https://todo.example', 'ana')).toBe('syncline:https://todo.example:ana');
    const options = offlineOptions('https://todo.example', 'ana');
    expect(options.policies).toEqual({ todos: 'merge', lists: 'merge' });
    expect(options.name).toBe('syncline:https://todo.example:ana');
    expect(offlineOptions('https://todo.example', 'bob').name).toBe('syncline:https://todo.example:bob');
    expect(await options.persistence.load()).toEqual({ entries: [], outbox: [], conflicts: [] });
  });
});

describe('the conflict prompt', () => {
  const base = { id: '1', version: 3, title: 'Call Ann', done: false, list: 'l' };

  it('asks about the title both sides changed; keeping yours keeps the other side’s other changes', () => {
    const choices = describeConflict({ base, local: { ...base, title: 'Call Bob' }, server: { ...base, version: 5, title: 'Call Ann at 5', done: true }, fields: ['title'] });
    expect(choices.message).toBe('“Call Ann” was changed elsewhere: keep yours (“Call Bob”) or theirs (“Call Ann at 5”)?');
    expect(choices.yours).toEqual({ ...base, version: 5, title: 'Call Bob', done: true });
  });

  it('names each field when several changed on both sides', () => {
    const choices = describeConflict({ base, local: { ...base, title: 'A', order: 2 }, server: { ...base, title: 'B', order: 7 }, fields: ['title', 'order'] });
    expect(choices.message).toBe('“Call Ann” was changed elsewhere: keep yours (title “A”, order 2) or theirs (title “B”, order 7)?');
    expect(choices.yours).toMatchObject({ title: 'A', order: 2 });
  });

  it('an edit against a delete: keeping yours writes the record again; a delete against an edit: keeping yours deletes', () => {
    const edited = { ...base, title: 'Call Bob' };
    expect(describeConflict({ base, local: edited, server: null, fields: [] })).toEqual({ message: '“Call Ann” was changed elsewhere: keep yours (edited) or theirs (deleted)?', yours: edited });
    expect(describeConflict({ base, local: null, server: { ...base, done: true }, fields: [] })).toEqual({ message: '“Call Ann” was changed elsewhere: keep yours (deleted) or theirs (edited)?', yours: null });
  });
});
