import type { ConflictChoice, ConflictPolicyName, HeldConflict } from '../../src/index.js';
import type { JsonRecord } from '../../src/requests/answers.js';
import { knownNotes, type Actor, type WriteKind, type WriteRecord } from './convergence-actors.js';
import { notes } from './convergence-server.js';

/** What an actor may do at a step. */
export type Action = 'network' | 'create' | 'patch' | 'update' | 'delete' | 'refresh' | 'resolve';

const WEIGHTS: Readonly<Record<Action, number>> = { network: 10, create: 12, patch: 40, update: 8, delete: 7, refresh: 12, resolve: 6 };
const POLICIES: readonly ConflictPolicyName[] = ['merge', 'client-wins', 'server-wins'];
const WORDS = ['milk', 'bread', 'tea', 'jam', 'rice', 'figs'];

/** The writes of a run, and the record of each one's promise. */
export interface WriteJournal {
  readonly writes: WriteRecord[];
  /** Calls made to read the server (refresh): their promises, settled or not. */
  readonly reads: Promise<unknown>[];
}

/**
 * Runs one random action of `actor` (drawn from its own generator): cut or restore its
 * network, create, patch (some fields), replace (PUT) or delete a note it holds, read all
 * notes, or resolve a conflict it holds. Writes are not awaited: a client offline keeps
 * them until it is back. Answers the action taken.
 *
 * @example
 * runStep(actor, step, journal);
 */
export function runStep(actor: Actor, step: number, journal: WriteJournal): Action {
  const { random } = actor;
  const known = knownNotes(actor);
  let action = random.weighted(WEIGHTS);
  if (known.length === 0 && (action === 'patch' || action === 'update' || action === 'delete')) action = 'create';
  if (action === 'resolve' && actor.client.conflicts().length === 0) action = 'refresh';
  const api = actor.client.resource(notes);
  const name = actor.config.name;
  const override = random.chance(0.15) ? random.pick(POLICIES) : undefined;
  const options = override === undefined ? undefined : { conflict: override };
  const track = (kind: WriteKind, uri: string, token: string | undefined, promise: Promise<unknown>): void => {
    const record: WriteRecord = { actor: name, step, kind, uri, token, policy: override ?? actor.config.policy, outcome: { state: 'pending' } };
    journal.writes.push(record);
    promise.then(
      (value) => (record.outcome = { state: 'acked', record: isJsonRecord(value) ? value : null }),
      (error: unknown) => (record.outcome = { state: 'rejected', error }),
    );
  };
  const target = (): { uri: string; id: string; data: JsonRecord } => {
    const entry = random.pick(known);
    return { uri: entry.uri, id: entry.uri.slice('/notes/'.length), data: entry.data ?? {} };
  };
  switch (action) {
    case 'network':
      if (actor.proxy.isCut()) actor.proxy.restore();
      else actor.proxy.cut();
      break;
    case 'create': {
      const token = actor.nextToken();
      const promise = api.create({ title: random.pick(WORDS), body: '', done: false, n: random.int(0, 9), op: { [name]: token } }, options);
      const created = [...actor.client.store.entries()].find((entry) => opOf(entry.data)[name] === token);
      track('create', created?.uri ?? '(unknown)', token, promise);
      break;
    }
    case 'patch': {
      const { uri, id } = target();
      const token = actor.nextToken();
      const patch: Record<string, unknown> = { op: { [name]: token } };
      if (random.chance(0.5)) patch['title'] = random.pick(WORDS);
      if (random.chance(0.4)) patch['body'] = `${name} ${random.int(0, 99)}`;
      if (random.chance(0.4)) patch['done'] = random.chance(0.5);
      if (random.chance(0.4)) patch['n'] = random.int(0, 99);
      track('patch', uri, token, api.patch(id, patch, options));
      break;
    }
    case 'update': {
      const { uri, id, data } = target();
      const token = actor.nextToken();
      const record = { title: random.pick(WORDS), body: String(data['body'] ?? ''), done: random.chance(0.5), n: random.int(0, 99), op: { ...opOf(data), [name]: token } };
      track('update', uri, token, api.update(id, record, options));
      break;
    }
    case 'delete': {
      const { uri, id } = target();
      track('delete', uri, undefined, api.delete(id, options));
      break;
    }
    case 'refresh':
      journal.reads.push(api.list('limit=500').catch(() => undefined));
      break;
    case 'resolve': {
      const held = random.pick(actor.client.conflicts());
      resolveHeld(actor, held, step, journal);
      break;
    }
  }
  return action;
}

/**
 * Resolves a held conflict as a user would: the server's version, "deleted", or the local
 * version with a new token (a write of its own).
 *
 * @example
 * resolveHeld(actor, actor.client.conflicts()[0], step, journal);
 */
export function resolveHeld(actor: Actor, held: HeldConflict, step: number, journal: WriteJournal): void {
  const { random } = actor;
  const name = actor.config.name;
  const pick = random.weighted({ server: 1, deleted: held.server === null ? 0 : 1, local: 3 });
  let token: string | undefined;
  let choice: ConflictChoice = 'server';
  if (pick === 'deleted') choice = null;
  if (pick === 'local') {
    token = actor.nextToken();
    const chosen = held.local ?? held.server ?? {};
    choice = { title: String(chosen['title'] ?? 'resolved'), body: String(chosen['body'] ?? ''), done: chosen['done'] === true, n: Number(chosen['n'] ?? 0), op: { ...opOf(held.server), ...opOf(held.local), [name]: token } };
  }
  actor.resolved.push({ uri: held.uri, step });
  const record: WriteRecord = { actor: name, step, kind: 'resolve', uri: held.uri, token, policy: actor.config.policy, outcome: { state: 'pending' } };
  journal.writes.push(record);
  actor.client.resolve(held.uri, choice).then(
    (value) => (record.outcome = { state: 'acked', record: value }),
    (error: unknown) => (record.outcome = { state: 'rejected', error }),
  );
}

/** A record's `op` map (empty when it has none). */
export function opOf(record: Readonly<Record<string, unknown>> | null | undefined): Record<string, string> {
  const op = record?.['op'];
  if (op === null || typeof op !== 'object' || Array.isArray(op)) return {};
  return Object.fromEntries(Object.entries(op).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function isJsonRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
