/**
 * The matrix's presence: who is at a list, a todo, or a list's todos, and what each user may
 * see and do there. Joins and watches use the user's writer socket (it lasts the whole run,
 * and the server it reaches runs every write, so a lost sight is applied by the end of the
 * step). The model says: a user may join, watch and read the presence of a target exactly
 * when it may read the target (a list or todo it reads; the todos of a list it reads; never
 * all todos at once), 404 otherwise; a user who loses sight of a target leaves it, and its
 * watches there see every member leave and then nothing more. Event streams never serve
 * presence (404 for everyone).
 */
import { fail } from './matrix-checks.js';
import type { Command, PresenceTarget } from './matrix-commands.js';
import { resolve, type Model } from './matrix-model.js';
import { expectStatus, matrixStats, type Answer, type Session } from './matrix-observations.js';
import { httpCall, streamRead, type MatrixServers } from './matrix-transport.js';

interface Member {
  readonly user: string;
  readonly state: string;
  readonly data: Record<string, unknown>;
}

/** A presence target with its ids fixed when the command ran. */
interface ResolvedPresence {
  readonly uri: string;
  readonly canSee: (model: Model, user: string) => boolean;
}

interface Watch {
  readonly id: string;
  readonly target: ResolvedPresence;
  readonly content: Map<string, Member>;
  /** The user lost sight of the target: the watch must end empty and hear nothing more. */
  revoked: boolean;
}

export type PresenceCommand = Extract<Command, { op: 'presenceJoin' | 'presenceLeave' | 'presenceWatch' | 'presenceGet' }>;

export function isPresenceCommand(cmd: Command): cmd is PresenceCommand {
  return cmd.op === 'presenceJoin' || cmd.op === 'presenceLeave' || cmd.op === 'presenceWatch' || cmd.op === 'presenceGet';
}

function resolvePresence(model: Model, target: PresenceTarget, user: string): ResolvedPresence {
  switch (target.kind) {
    case 'list':
    case 'myList': {
      const uri = resolve(model, { kind: target.kind, list: target.list }, user).uri;
      const id = uri.slice('/lists/'.length);
      return { uri: `${uri}/presence`, canSee: (m, u) => m.canSeeList(u, id) };
    }
    case 'todo':
    case 'myTodo': {
      const uri = resolve(model, { kind: target.kind, todo: target.todo }, user).uri;
      const id = uri.slice('/todos/'.length);
      return { uri: `${uri}/presence`, canSee: (m, u) => m.canSeeTodo(u, id) };
    }
    case 'todosOfList':
    case 'myTodosOfList': {
      const id = resolve(model, { kind: target.kind === 'myTodosOfList' ? 'myList' : 'list', list: target.list }, user).uri.slice('/lists/'.length);
      return { uri: `/todos/presence?list=${encodeURIComponent(id)}`, canSee: (m, u) => m.canSeeList(u, id) };
    }
    case 'allTodos':
      return { uri: '/todos/presence', canSee: () => false };
  }
}

/** The list a presence target belongs to (for the `owner` and `member` actors), by the indices the command names. */
export function presenceList(model: Model, target: PresenceTarget): string | undefined {
  if (target.kind === 'allTodos') return undefined;
  if ('list' in target) return model.listId(target.list);
  return model.todos.get(model.todoId(target.todo))?.list;
}

const sorted = (members: Iterable<Member>): string =>
  JSON.stringify([...members].map(({ user, state, data }) => ({ user, state, data })).sort((a, b) => (a.user < b.user ? -1 : 1)));

/** Who is present where, and every user's presence watches: the presence half of the model. */
export class PresenceWorld {
  private readonly entries = new Map<string, { readonly target: ResolvedPresence; readonly members: Map<string, Member> }>();
  private readonly watches = new Map<string, Map<string, Watch>>();
  private readonly seen = new Map<string, number>();
  private nextWatch = 1;
  private nextData = 1;

  /** Runs one presence command as `session`'s user and checks its answer. */
  async apply(servers: MatrixServers, model: Model, session: Session, cmd: PresenceCommand): Promise<void> {
    const me = session.name;
    const target = resolvePresence(model, cmd.target, me);
    const visible = target.canSee(model, me);
    switch (cmd.op) {
      case 'presenceJoin': {
        const data = { mark: this.nextData++ };
        const answer = await this.socket(session, 'PUT', target.uri, { body: { state: cmd.state, data } });
        expectStatus(`presence-PUT ${target.uri}`, answer, visible ? 204 : 404);
        if (!visible) return;
        const entry = this.entries.get(target.uri) ?? { target, members: new Map<string, Member>() };
        this.entries.set(target.uri, entry);
        entry.members.set(me, { user: me, state: cmd.state, data });
        return;
      }
      case 'presenceLeave':
        expectStatus(`presence-DELETE ${target.uri}`, await this.socket(session, 'DELETE', target.uri), 204);
        this.entries.get(target.uri)?.members.delete(me);
        return;
      case 'presenceWatch': {
        const id = `p${this.nextWatch++}`;
        const answer = await this.socket(session, 'SUBSCRIBE', target.uri, { id });
        expectStatus(`presence-SUBSCRIBE ${target.uri}`, answer, visible ? 200 : 404);
        if (!visible) return;
        const members = answer.body?.members as Member[];
        this.checkMembers(`presence-SUBSCRIBE ${target.uri} as ${me}`, members, target);
        const mine = this.watches.get(me) ?? new Map<string, Watch>();
        this.watches.set(me, mine);
        mine.set(id, { id, target, content: new Map(members.map((member) => [member.user, member])), revoked: false });
        return;
      }
      case 'presenceGet': {
        const where = `presence-GET ${target.uri} over ${cmd.via} as ${me}`;
        if (cmd.via === 'sse' || cmd.via === 'sse-events') {
          // Event streams carry no presence, for anyone: the same 404 whatever the caller may see.
          const answer = await streamRead(servers.writerPort, me, cmd.via, target.uri);
          expectStatus(`presence-STREAM ${target.uri}`, answer, 404);
          if (JSON.stringify(answer.body).includes('"members"')) fail(`${where}: a refused stream carries members`);
          return;
        }
        const answer = cmd.via === 'http' ? await httpCall(servers.writer, me, 'GET', target.uri) : await this.socket(session, 'GET', target.uri);
        expectStatus(`presence-GET ${target.uri}`, answer, visible ? 200 : 404);
        if (visible) this.checkMembers(where, answer.body?.members as Member[], target);
        else if (JSON.stringify(answer.body).includes('"members"')) fail(`${where}: a refusal carries members`);
        return;
      }
    }
  }

  /**
   * After a step: users who lost sight of a target have left it (the server revokes them),
   * every presence frame a user got concerns a watch it holds and applies to it (join of
   * someone not there, update or leave of someone there), and every watch holds exactly the
   * members the model has, or nobody once its user lost sight.
   */
  check(model: Model, sessions: readonly Session[]): void {
    for (const entry of this.entries.values()) {
      for (const user of [...entry.members.keys()]) if (!entry.target.canSee(model, user)) entry.members.delete(user);
    }
    for (const session of sessions) {
      const me = session.name;
      const frames = session.writer.frames;
      for (const frame of frames.slice(this.seen.get(me) ?? 0)) {
        if (frame['event'] !== 'presence') continue;
        const where = `presence event ${JSON.stringify(frame).slice(0, 300)} to ${me}`;
        const watch = this.watches.get(me)?.get(String(frame['subscription']));
        if (watch === undefined) fail(`${where}: no such presence watch`);
        if (frame['resource'] !== watch.target.uri) fail(`${where}: not the watched ${watch.target.uri}`);
        const member = frame['member'] as Member;
        const op = String(frame['op']);
        matrixStats.events[`presence ${op}`] = (matrixStats.events[`presence ${op}`] ?? 0) + 1;
        if (op === 'join' && watch.content.has(member.user)) fail(`${where}: join of a member already there`);
        if (op !== 'join' && !watch.content.has(member.user)) fail(`${where}: ${op} of a member the watch does not hold`);
        if (op === 'leave') watch.content.delete(member.user);
        else watch.content.set(member.user, member);
      }
      this.seen.set(me, frames.length);
      for (const watch of this.watches.get(me)?.values() ?? []) {
        if (!watch.revoked && !watch.target.canSee(model, me)) {
          watch.revoked = true;
          matrixStats.presenceRevoked++;
        }
        const want = watch.revoked ? '[]' : sorted(this.entries.get(watch.target.uri)?.members.values() ?? []);
        const got = sorted(watch.content.values());
        if (got !== want) fail(`presence watch ${watch.id} (${watch.target.uri}) of ${me} holds ${got}, the model says ${want}`);
      }
    }
  }

  private checkMembers(where: string, members: Member[] | undefined, target: ResolvedPresence): void {
    const want = sorted(this.entries.get(target.uri)?.members.values() ?? []);
    if (!Array.isArray(members) || sorted(members) !== want) fail(`${where}: members ${JSON.stringify(members)}, the model says ${want}`);
  }

  private async socket(session: Session, method: string, uri: string, options: { body?: unknown; id?: string } = {}): Promise<Answer> {
    const frame = await session.writer.request(method, uri, options);
    return { status: frame['status'] as number, body: frame['body'] };
  }
}
