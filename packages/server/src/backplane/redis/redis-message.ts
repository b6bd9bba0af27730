import type { Change } from '../../storage/storage.js';

/**
 * What travels on the channel: a change, a liveness probe that its sender expects
 * back, or a message on a named topic (presence). A tagged envelope rather than a bare change, so probes never reach the feed.
 */
export type RedisMessage =
  | { readonly type: 'change'; readonly change: Change }
  | { readonly type: 'probe'; readonly node: string; readonly n: number }
  | { readonly type: 'topic'; readonly topic: string; readonly message: Readonly<Record<string, unknown>> };

/**
 * The wire form of a change: the whole, versioned record before and after (docs/design-notes.md, "Publish after commit, whole versioned records"),
 * JSON with every field, nulls included.
 *
 * @example
 * await redis.publish(channel, encodeChange(change));
 */
export function encodeChange(change: Change): string {
  return JSON.stringify({ type: 'change', change });
}

export function encodeProbe(node: string, n: number): string {
  return JSON.stringify({ type: 'probe', node, n });
}

/**
 * The wire form of a topic message: it shares the channel (and so its liveness probe) with changes.
 *
 * @example
 * await redis.publish(channel, encodeTopic('presence', { type: 'sync', node: 'a' }));
 */
export function encodeTopic(topic: string, message: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ type: 'topic', topic, message });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChange(value: unknown): value is Change {
  return (
    isRecord(value) &&
    Number.isSafeInteger(value['seq']) &&
    typeof value['resource'] === 'string' &&
    typeof value['id'] === 'string' &&
    (value['kind'] === 'create' || value['kind'] === 'update' || value['kind'] === 'delete') &&
    (value['after'] === null || isRecord(value['after'])) &&
    (value['before'] === null || isRecord(value['before'])) &&
    typeof value['at'] === 'string'
  );
}

/**
 * A message from the channel, or `undefined` when it is not one of ours (another app on
 * the same channel, a hand-typed PUBLISH): the feed must never see a half-formed change.
 *
 * @example
 * decodeMessage('{"type":"probe","node":"a","n":1}'); // { type: 'probe', node: 'a', n: 1 }
 */
export function decodeMessage(text: string): RedisMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value['type'] === 'change' && isChange(value['change'])) return { type: 'change', change: value['change'] };
  if (value['type'] === 'probe' && typeof value['node'] === 'string' && Number.isSafeInteger(value['n'])) {
    return { type: 'probe', node: value['node'], n: value['n'] as number };
  }
  if (value['type'] === 'topic' && typeof value['topic'] === 'string' && isRecord(value['message'])) {
    return { type: 'topic', topic: value['topic'], message: value['message'] };
  }
  return undefined;
}
