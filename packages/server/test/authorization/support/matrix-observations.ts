/**
 * What each user of the authorization matrix observes (answers, snapshots, pushed frames)
 * and the checks of it against the model: statuses, representations, events only for
 * records the user could see when the change was made, and every subscription's content.
 */
import { checkNoSecret, checkRepresentation, fail } from './matrix-checks.js';
import type { LiveClient } from '../../support/live-client.js';
import type { Model, ModelList, ResolvedQuery } from './matrix-model.js';

export interface Answer {
  status: number;
  body: any;
}

/** One user's sockets and subscriptions. */
export interface Session {
  readonly name: string;
  /** The subscriber socket; `offline` while disconnected (its subscriptions then lag behind the model). */
  reader: LiveClient;
  offline: boolean;
  readonly writer: LiveClient;
  readonly subscriptions: Map<string, Subscription>;
  /** How many frames of each socket have been checked. */
  seen: { reader: number; writer: number };
  nextSub: number;
}
export interface Subscription {
  readonly id: string;
  readonly query: ResolvedQuery;
  readonly content: Map<string, Record<string, unknown>>;
  lastSeq: number;
}

export interface StepState {
  readonly head: number;
  readonly model: Model;
}

/** The model as it was when change `seq` was committed (after the step that made it). */
function modelAt(history: readonly StepState[], seq: number): Model | undefined {
  return history.find((state) => state.head >= seq)?.model;
}

/** What the runs exercised, so a test can show the matrix is not vacuous. */
export const matrixStats = { runs: 0, steps: 0, events: {} as Record<string, number>, statuses: {} as Record<string, number>, subscriptions: 0, resumed: 0, replayedEvents: 0, presenceRevoked: 0 };
const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

export function expectStatus(what: string, answer: Answer, expected: number): void {
  bump(matrixStats.statuses, `${what.split(' ')[0]} ${expected}`);
  if (answer.status !== expected) fail(`${what} answered ${answer.status}, the model expects ${expected}: ${JSON.stringify(answer.body)?.slice(0, 300)}`);
}

/** A GET or SUBSCRIBE answer: exactly what the model lets the user see. Answers it as content. */
export function checkSnapshot(where: string, model: Model, user: string, query: ResolvedQuery, answer: Answer): Map<string, Record<string, unknown>> {
  const expected = model.visible(user, query);
  const content = new Map<string, Record<string, unknown>>();
  if (query.record) {
    expectStatus(where, answer, expected.size === 1 ? 200 : 404);
    if (answer.status === 200) {
      checkRepresentation(where, query.resource, answer.body, [...expected.values()][0]);
      content.set(answer.body.id, answer.body);
    }
    return content;
  }
  expectStatus(where, answer, 200);
  if (answer.body?.next !== null) fail(`${where}: expected one page, got next ${answer.body?.next}`);
  for (const item of answer.body.items as Array<Record<string, unknown>>) {
    const id = String(item['id']);
    if (!expected.has(id)) fail(`${where}: ${query.resource} ${id} was served, but ${user} may not see it (or it does not match)`);
    checkRepresentation(where, query.resource, item, expected.get(id));
    content.set(id, item);
  }
  if (content.size !== expected.size) {
    fail(`${where}: served ${content.size} ${query.resource}, the model expects ${expected.size}: missing ${[...expected.keys()].filter((id) => !content.has(id)).join(',')}`);
  }
  return content;
}

/** Every new frame on a user's sockets, then every subscription's content against the model. */
export function checkFrames(model: Model, history: readonly StepState[], session: Session, head: number): void {
  const user = session.name;
  for (const frame of session.writer.frames.slice(session.seen.writer)) {
    checkNoSecret(`a frame to ${user} (writer socket)`, JSON.stringify(frame));
    if (frame['event'] === 'change') fail(`${user}'s writer socket has no subscription, yet got ${JSON.stringify(frame)}`);
  }
  session.seen.writer = session.writer.frames.length;
  for (const frame of session.reader.frames.slice(session.seen.reader)) {
    const raw = JSON.stringify(frame);
    checkNoSecret(`a frame to ${user}`, raw);
    if (frame['event'] !== 'change') continue;
    const where = `event ${raw.slice(0, 400)} to ${user}`;
    const sub = session.subscriptions.get(String(frame['subscription']));
    if (!sub) fail(`${where}: no such subscription`);
    const seq = Number(frame['seq']);
    if (!(seq > sub.lastSeq && seq <= head)) fail(`${where}: seq ${seq} is not after the subscription's last ${sub.lastSeq} (and at most ${head})`);
    // Replayed events (after a reconnect) are older than this step: judge each by the model of its time.
    const then = modelAt(history, seq);
    if (history.length >= 2 && seq <= (history[history.length - 2] as StepState).head) matrixStats.replayedEvents++;
    if (!then) fail(`${where}: no step made change ${seq}`);
    sub.lastSeq = seq;
    const match = /^\/(lists|todos)\/(.+)$/.exec(String(frame['resource']));
    if (!match || match[1] !== sub.query.resource) fail(`${where}: not a ${sub.query.resource} record`);
    const id = match[2] as string;
    const op = String(frame['op']);
    bump(matrixStats.events, `${sub.query.record ? 'record' : 'collection'} ${op}`);
    if (!sub.query.record && (op === 'create' || op === 'delete')) fail(`${where}: a collection subscription got ${op}`);
    if (sub.query.record && !sub.query.matches({ id } as ModelList)) fail(`${where}: a record subscription got another record`);
    if (op === 'create' || op === 'enter' || op === 'update') {
      // Visible at the time of the change: each record changes at most once per step, so the model after the step is its state then.
      if (!then.canSee(user, sub.query.resource, id)) fail(`${where}: ${user} may not see ${sub.query.resource} ${id}`);
      const expected = then.visible(user, sub.query).get(id);
      if (!expected) fail(`${where}: ${id} does not match the subscription's query`);
      checkRepresentation(where, sub.query.resource, frame['body'], expected);
      if (op === 'update' && !sub.content.has(id)) fail(`${where}: update of a record the subscription does not hold`);
      if (op !== 'update' && sub.content.has(id)) fail(`${where}: ${op} of a record the subscription already holds`);
      sub.content.set(id, frame['body']);
    } else if (op === 'delete' || op === 'leave') {
      if (frame['body'] !== null) fail(`${where}: ${op} carries a body`);
      if (!sub.content.has(id)) fail(`${where}: ${op} of a record the subscription never held (it reveals the record)`);
      sub.content.delete(id);
    } else {
      fail(`${where}: unknown op`);
    }
  }
  session.seen.reader = session.reader.frames.length;
  if (session.offline) return; // its subscriptions catch up when it reconnects
  for (const sub of session.subscriptions.values()) {
    const expected = model.visible(user, sub.query);
    const got = [...sub.content.keys()].sort();
    const want = [...expected.keys()].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      fail(`subscription ${sub.id} (${sub.query.uri}) of ${user} holds [${got.join(', ')}], the model says [${want.join(', ')}]`);
    }
    for (const [id, body] of sub.content) checkRepresentation(`subscription ${sub.id} of ${user}`, sub.query.resource, body, expected.get(id));
  }
}
