/**
 * The fuzzed authorization matrix: random users share lists and write todos over HTTP and
 * WebSocket while every user keeps live subscriptions open on real sockets (and drops and
 * resumes them). A model holds what each user may see. After every step `runScenario`
 * checks that:
 * - every answer has the status the model expects (404 for what the caller may not read,
 *   403 for a forbidden change of a server-set field, 422 for a hidden field (unknown to the
 *   caller) and for a reference to an unreadable list), and every record served equals the model's, with exactly its visible fields;
 * - every pushed event concerns a record the user could see when that change was made
 *   (leave/delete only for records the subscription held), in increasing seq;
 * - no hidden field (`owner`/`members` on todos, `secret`) and no secret value appears in
 *   any HTTP body or any frame;
 * - every subscription's content (snapshot plus events) equals what the model allows;
 * - reads over event streams (`Accept: text/event-stream`, `/live/events?subscribe=`)
 *   answer the snapshot, or the refusal, that GET gives;
 * - a todo's custom action is 404 where GET is, before its `allow` (403) is asked;
 * - presence (matrix-presence.ts): joins, watches and reads of a list's, a todo's and a
 *   list's todos' presence are allowed exactly where the user reads the target, watches
 *   hold exactly its members, and a user who loses sight leaves and hears nothing more.
 */
import fc from 'fast-check';
import type { Syncline } from '../../../src/index.js';
import { LiveClient } from '../../support/live-client.js';
import { checkRepresentation, fail, Violation } from './matrix-checks.js';
import { call, httpCall, streamRead, type MatrixServers } from './matrix-transport.js';
import { checkFrames, checkSnapshot, expectStatus, matrixStats, type Answer, type Session, type StepState } from './matrix-observations.js';
import { scenarioArbitrary, type Command, type Scenario, type Via } from './matrix-commands.js';
import { isPresenceCommand, presenceList, PresenceWorld, type PresenceCommand } from './matrix-presence.js';
import { PURGED_TITLE } from './sharing-resources.js';
import { Model, resolve, type ModelList, type ModelTodo, type ResolvedQuery } from './matrix-model.js';

export { matrixStats, Violation };

export type { MatrixServers };

let runCounter = 0;


/**
 * Runs one scenario and throws a {@link Violation} at the first step where a response, a
 * pushed event or a subscription's content is not what the model allows. Users are named
 * per run, so runs can share servers: a user of this run sees nothing an earlier run made.
 */
export async function runScenario(servers: MatrixServers, scenario: Scenario): Promise<void> {
  const run = ++runCounter;
  const names = Array.from({ length: scenario.users }, (_, i) => `r${run}-${['ann', 'bob', 'cy', 'dee', 'eve'][i]}`);
  const model = new Model();
  const presence = new PresenceWorld();
  matrixStats.runs++;
  matrixStats.steps += scenario.commands.length;
  const sessions: Session[] = [];
  try {
    sessions.push(
      ...(await Promise.all(
        names.map(async (name): Promise<Session> => {
          const headers = { 'x-user': name };
          const [reader, writer] = await Promise.all([LiveClient.connect(servers.readerPort, { headers }), LiveClient.connect(servers.writerPort, { headers })]);
          return { name, reader, writer, offline: false, subscriptions: new Map(), seen: { reader: 0, writer: 0 }, nextSub: 1 };
        }),
      )),
    );
    await servers.writer.flush();
    await servers.reader.flush();
    let head = servers.reader.stats().seq;
    /** The model after each step, with the log's head then: an event is checked against the step that made its change. */
    const history: StepState[] = [{ head, model: model.snapshot() }];
    // Every user watches everything it may see from the start; commands open more (records, one list's todos).
    await Promise.all(
      names.map(async (_, i) => {
        for (const query of [{ kind: 'lists' }, { kind: 'todos' }, { kind: 'todosNotDone' }] as const) {
          await apply(servers, model, sessions[i] as Session, { op: 'subscribe', user: i, query }, names);
        }
      }),
    );
    for (const [step, cmd] of scenario.commands.entries()) {
      const session = sessions[actorIndex(model, cmd, names)] as Session;
      const where = `step ${step} ${JSON.stringify(cmd)} as ${session.name}`;
      try {
        if (isPresenceCommand(cmd)) await presence.apply(servers, model, session, cmd);
        else await apply(servers, model, session, cmd, names);
        await servers.writer.flush();
        await servers.reader.flush();
        head = Math.max(servers.reader.stats().seq, servers.writer.stats().seq);
        history.push({ head, model: model.snapshot() });
        // A request after the events on every subscriber socket: its answer comes after them.
        // (Writer sockets carry only answers, each awaited by the command that asked.)
        await Promise.all(sessions.filter((s) => !s.offline).map((s) => s.reader.request('OPTIONS', '/lists')));
        // Presence events go to writer sockets (where presence is watched): the same barrier.
        await Promise.all(sessions.map((s) => s.writer.request('OPTIONS', '/lists')));
        for (const s of sessions) checkFrames(model, history, s, head);
        presence.check(model, sessions);
      } catch (error) {
        if (error instanceof Violation) error.message = `${where}: ${error.message}`;
        throw error;
      }
    }
  } finally {
    for (const s of sessions) {
      await s.reader[Symbol.asyncDispose]();
      await s.writer[Symbol.asyncDispose]();
    }
  }
}

/** The index of the user who runs a command ('owner' and 'member' look at the list it aims at, as the model knows it). */
function actorIndex(model: Model, cmd: Command, names: readonly string[]): number {
  if (typeof cmd.user === 'number') return cmd.user % names.length;
  let listId: string | undefined;
  if (cmd.op === 'share' || cmd.op === 'unshare' || cmd.op === 'renameList' || cmd.op === 'deleteList' || cmd.op === 'createTodo') listId = model.listId(cmd.list);
  else if (cmd.op === 'updateTodo' || cmd.op === 'deleteTodo' || cmd.op === 'action') listId = model.todos.get(model.todoId(cmd.todo))?.list;
  else if (isPresenceCommand(cmd)) listId = presenceList(model, cmd.target);
  else if (cmd.op === 'writeServerField') listId = cmd.field === 'listOwner' ? model.listId(cmd.index) : model.todos.get(model.todoId(cmd.index))?.list;
  const list = listId === undefined ? undefined : model.lists.get(listId);
  const name = cmd.user === 'owner' ? list?.owner : list?.members[0];
  const found = name === undefined ? -1 : names.indexOf(name);
  return found >= 0 ? found : cmd.user === 'owner' ? 0 : 1;
}

/** Runs a command other than presence's (matrix-presence.ts runs those) and checks its answer against the model. */
async function apply(servers: MatrixServers, model: Model, session: Session, cmd: Exclude<Command, PresenceCommand>, names: string[]): Promise<void> {
  const me = session.name;
  switch (cmd.op) {
    case 'createList': {
      const answer = await call({ servers, session, via: cmd.via }, 'POST', '/lists', { title: cmd.title });
      expectStatus('POST /lists', answer, 201);
      const list: ModelList = { id: answer.body.id, title: cmd.title, owner: me, members: [] };
      checkRepresentation('POST /lists', 'lists', answer.body, { ...list });
      model.lists.set(list.id, list);
      model.listIds.push(list.id);
      return;
    }
    case 'share':
    case 'unshare':
    case 'renameList': {
      const id = model.listId(cmd.list);
      const list = model.lists.get(id);
      const pick = 'target' in cmd ? cmd.target : 0;
      // Unsharing aims at a current member (when there is one): that is when someone loses sight.
      const target = (cmd.op === 'unshare' && list && list.members.length > 0 ? list.members[pick % list.members.length] : names[pick % names.length]) as string;
      let patch: Record<string, unknown>;
      let next: ModelList | undefined;
      if (cmd.op === 'renameList') {
        patch = { title: cmd.title };
        next = list && { ...list, title: cmd.title };
      } else {
        const members = list ? (cmd.op === 'share' ? [...list.members, target] : list.members.filter((m) => m !== target)) : [target];
        patch = { members };
        next = list && { ...list, members };
      }
      const expected = !model.canSeeList(me, id) ? 404 : list && next && list.owner !== me && JSON.stringify(list.members) !== JSON.stringify(next.members) ? 403 : 200;
      const answer = await call({ servers, session, via: cmd.via }, 'PATCH', `/lists/${id}`, patch);
      expectStatus(`PATCH /lists/${id} ${JSON.stringify(patch)}`, answer, expected);
      if (expected === 200 && next) {
        checkRepresentation('PATCH /lists', 'lists', answer.body, { ...next });
        model.lists.set(id, next);
      }
      return;
    }
    case 'deleteList': {
      const id = model.listId(cmd.list);
      const expected = !model.canSeeList(me, id) ? 404 : model.lists.get(id)?.owner !== me ? 403 : 204;
      const answer = await call({ servers, session, via: cmd.via }, 'DELETE', `/lists/${id}`);
      expectStatus(`DELETE /lists/${id}`, answer, expected);
      if (expected === 204) {
        model.lists.delete(id);
        for (const todo of [...model.todos.values()]) if (todo.list === id) model.todos.delete(todo.id);
      }
      return;
    }
    case 'createTodo': {
      const list = model.listId(cmd.list);
      const expected = model.canSeeList(me, list) ? 201 : 422;
      const answer = await call({ servers, session, via: cmd.via }, 'POST', '/todos', { title: cmd.title, done: cmd.done, list });
      expectStatus(`POST /todos in ${list}`, answer, expected);
      if (expected === 201) {
        const todo: ModelTodo = { id: answer.body.id, title: cmd.title, done: cmd.done, list };
        checkRepresentation('POST /todos', 'todos', answer.body, { ...todo });
        model.todos.set(todo.id, todo);
        model.todoIds.push(todo.id);
      }
      return;
    }
    case 'updateTodo': {
      const id = model.todoId(cmd.todo);
      const expected = model.canSeeTodo(me, id) ? 200 : 404;
      const answer = await call({ servers, session, via: cmd.via }, 'PATCH', `/todos/${id}`, { title: cmd.title, done: cmd.done });
      expectStatus(`PATCH /todos/${id}`, answer, expected);
      if (expected === 200) {
        const todo = { ...(model.todos.get(id) as ModelTodo), title: cmd.title, done: cmd.done };
        checkRepresentation('PATCH /todos', 'todos', answer.body, { ...todo });
        model.todos.set(id, todo);
      }
      return;
    }
    case 'deleteTodo': {
      const id = model.todoId(cmd.todo);
      const expected = model.canSeeTodo(me, id) ? 204 : 404;
      expectStatus(`DELETE /todos/${id}`, await call({ servers, session, via: cmd.via }, 'DELETE', `/todos/${id}`), expected);
      if (expected === 204) model.todos.delete(id);
      return;
    }
    case 'writeServerField': {
      // Always a value different from the stored one: the write must be refused, never dropped.
      if (cmd.field === 'listOwner') {
        const id = model.listId(cmd.index);
        const answer = await call({ servers, session, via: cmd.via }, 'PATCH', `/lists/${id}`, { owner: `${me}-not-the-owner` });
        expectStatus(`PATCH /lists/${id} owner`, answer, model.canSeeList(me, id) ? 403 : 404);
        return;
      }
      const id = model.todoId(cmd.index);
      const patch =
        cmd.field === 'todoSecret' ? { secret: 'guess' } : cmd.field === 'todoOwner' ? { owner: `${me}-not-the-owner` } : { members: [`${me}-not-a-member`] };
      const answer = await call({ servers, session, via: cmd.via }, 'PATCH', `/todos/${id}`, patch);
      // Hidden fields do not exist for callers: naming one is an unknown field (422), as for any name.
      expectStatus(`PATCH /todos/${id} ${JSON.stringify(patch)}`, answer, model.canSeeTodo(me, id) ? 422 : 404);
      return;
    }
    case 'action': {
      // As GET: a todo the caller cannot read is 404, whatever the action's `allow` would say.
      const id = model.todoId(cmd.todo);
      const todo = model.todos.get(id);
      const expected = !todo || !model.canSeeTodo(me, id) ? 404 : cmd.action === 'purge' && model.lists.get(todo.list)?.owner !== me ? 403 : 200;
      const answer = await call({ servers, session, via: cmd.via }, 'POST', `/todos/${id}/${cmd.action}`, {});
      expectStatus(`ACTION /todos/${id}/${cmd.action}`, answer, expected);
      if (expected === 200 && todo) {
        const next = cmd.action === 'toggle' ? { ...todo, done: !todo.done } : { ...todo, title: PURGED_TITLE };
        checkRepresentation(`POST /todos/${id}/${cmd.action}`, 'todos', answer.body, { ...next });
        model.todos.set(id, next);
      }
      return;
    }
    case 'disconnect': {
      if (session.offline) return;
      session.offline = true;
      await session.reader[Symbol.asyncDispose]();
      return;
    }
    case 'reconnect':
      await reconnect(servers, model, session, cmd.to);
      return;
    case 'get': {
      if (cmd.via === 'ws') await reconnect(servers, model, session, 'reader');
      const query = resolve(model, cmd.query, me);
      const answer =
        cmd.via === 'ws'
          ? await session.reader.request('GET', query.uri).then((frame) => ({ status: frame['status'] as number, body: frame['body'] }))
          : cmd.via === 'http'
            ? await httpCall(servers.reader, me, 'GET', query.uri)
            : await streamRead(servers.readerPort, me, cmd.via, query.uri);
      checkSnapshot(`GET ${query.uri} over ${cmd.via}`, model, me, query, answer);
      return;
    }
    case 'subscribe': {
      await reconnect(servers, model, session, 'reader');
      const query = resolve(model, cmd.query, me);
      const id = `s${session.nextSub++}`;
      const frame = await session.reader.request('SUBSCRIBE', query.uri, { id });
      const answer = { status: frame['status'] as number, body: frame['body'] };
      const content = checkSnapshot(`SUBSCRIBE ${query.uri}`, model, me, query, answer);
      if (answer.status === 200) {
        matrixStats.subscriptions++;
        session.subscriptions.set(id, { id, query, content, lastSeq: Number(frame['headers']?.['syncline-seq']) });
      }
      return;
    }
  }
}

/**
 * Brings an offline user back on a new socket and resumes each subscription from the last
 * event it received (or its snapshot's position): `resumed` keeps its content and the
 * missed events follow; `reset` replaces it with a fresh snapshot.
 */
async function reconnect(servers: MatrixServers, model: Model, session: Session, to: 'reader' | 'writer'): Promise<void> {
  if (!session.offline) return;
  session.reader = await LiveClient.connect(to === 'reader' ? servers.readerPort : servers.writerPort, { headers: { 'x-user': session.name } });
  session.seen.reader = 0;
  session.offline = false;
  for (const sub of [...session.subscriptions.values()]) {
    const frame = await session.reader.request('SUBSCRIBE', sub.query.uri, { id: sub.id, headers: { 'last-event-id': String(sub.lastSeq) } });
    const resume = frame['headers']?.['syncline-resume'];
    if (frame['status'] === 200 && resume === 'resumed') {
      matrixStats.resumed++;
      if (frame['body'] !== undefined) fail(`resuming ${sub.id} answered a body`);
      continue;
    }
    if (resume !== 'reset' && frame['status'] !== 404) fail(`resuming ${sub.id} answered ${JSON.stringify(frame).slice(0, 300)}`);
    // A reset is a fresh snapshot (a record no longer readable is a 404: the subscription ends).
    const content = checkSnapshot(`SUBSCRIBE ${sub.query.uri} (reset)`, model, session.name, sub.query, { status: frame['status'] as number, body: frame['body'] });
    if (frame['status'] === 200) session.subscriptions.set(sub.id, { ...sub, content, lastSeq: Number(frame['headers']?.['syncline-seq']) });
    else session.subscriptions.delete(sub.id);
  }
}

// ---------------------------------------------------------------------------------------
// Running it.

/** The seed: `SYNCLINE_AUTHZ_SEED` replays a run; otherwise a fresh one, printed by fast-check on failure. */
export const MATRIX_SEED = process.env['SYNCLINE_AUTHZ_SEED'] !== undefined ? Number(process.env['SYNCLINE_AUTHZ_SEED']) : Math.floor(Math.random() * 0x7fffffff);

/** Servers for one run: shared ones, or fresh ones per run (closed after it). */
export type MatrixServersSource = MatrixServers | (() => Promise<MatrixServers & { close(): Promise<void> }>);

export function matrixProperty(source: MatrixServersSource, maxCommands: number): fc.IAsyncPropertyWithHooks<[Scenario]> {
  return fc.asyncProperty(scenarioArbitrary(maxCommands), async (scenario) => {
    if (typeof source !== 'function') return runScenario(source, scenario);
    const servers = await source();
    try {
      await runScenario(servers, scenario);
    } finally {
      await servers.close();
    }
  });
}

/** One server on a fresh in-memory SQLite database per run, as both writer and reader. */
export function sqliteServers(make: () => Promise<Syncline>): () => Promise<MatrixServers & { close(): Promise<void> }> {
  return async () => {
    const syncline = await make();
    const { port } = await syncline.listen(0, '127.0.0.1');
    return { writer: syncline, reader: syncline, writerPort: port, readerPort: port, close: () => syncline.close() };
  };
}
