import { SynclineError } from '@syncline/protocol';
import type { JsonRecord } from '../requests/answers.js';
import { assertSafeJson, isPlainObject } from './json-values.js';
import type { ConflictPolicy, ConflictResolution, HeldConflict } from './offline-types.js';
import { mergeAgainstDelete } from './three-way-merge.js';

/** A conflict as a policy sees it: both versions, the base, and the server's ETag. */
export type PolicyConflict = Omit<HeldConflict, 'heldAt' | 'fields'>;

/** What {@link resolveConflict} answers. */
export interface PolicyOutcome {
  readonly resolution: ConflictResolution;
  /** For a held merge: the fields changed on both sides (empty for edit against delete, and for other policies). */
  readonly fields: readonly string[];
  /**
   * For `merge` only: the server's version with the local changes that merged cleanly
   * (null: deleted). While the conflict is held, this is what the application can show.
   */
  readonly merged?: JsonRecord | null;
}

const POLICY_NAMES: ReadonlySet<string> = new Set(['server-wins', 'client-wins', 'merge']);

/**
 * Applies a conflict policy to a conflict (dirty, and the server's ETag differs: docs/design-notes.md, "The reconcile table").
 *
 * - `server-wins` → `{ use: 'server' }`: drop the local edit, keep the server's version.
 * - `client-wins` → `{ use: 'record', record: local }`: write the local version back with
 *   `If-Match` on `serverEtag` (a local delete stays a delete: `record: null`).
 * - `merge` → {@link mergeAgainstDelete}: a clean merge is `{ use: 'record', record: merged }`
 *   (null: the merge settled on "deleted"); a merge with conflicting fields, an edit against a
 *   delete or a delete against an edit is `{ use: 'hold' }` with `fields` and `merged`.
 * - a function → its answer, after checking its shape. The function gets a copy of the
 *   conflict, so it cannot change the engine's state.
 *
 * Rejects with a SynclineError `bad-request` for an unknown policy name or a custom answer
 * of the wrong shape, `forbidden-key`/`json-too-deep` for unsafe records, and with whatever
 * a custom function throws. The engine keeps the conflict held when this rejects.
 *
 * @example
 * const { resolution, fields } = await resolveConflict('merge', { uri: '/todos/1', base, local, server, serverEtag: '"7"' });
 * if (resolution.use === 'hold') console.log('both changed', fields);
 */
export async function resolveConflict(policy: ConflictPolicy, conflict: PolicyConflict): Promise<PolicyOutcome> {
  if (typeof policy === 'function') {
    const answer: unknown = await policy(structuredClone(conflict));
    return { resolution: checkResolution(answer), fields: [] };
  }
  switch (policy) {
    case 'server-wins':
      return { resolution: { use: 'server' }, fields: [] };
    case 'client-wins':
      return { resolution: { use: 'record', record: conflict.local === null ? null : structuredClone(conflict.local) }, fields: [] };
    case 'merge': {
      const result = mergeAgainstDelete(conflict.base, conflict.local, conflict.server);
      const resolution: ConflictResolution = result.held ? { use: 'hold' } : { use: 'record', record: result.merged };
      return { resolution, fields: result.conflicts, merged: result.merged };
    }
    default:
      throw new SynclineError('bad-request', { detail: `Unknown conflict policy ${JSON.stringify(policy)}; expected one of ${[...POLICY_NAMES].join(', ')} or a function.` });
  }
}

/** Checks a custom policy's answer: `{ use: 'server' }`, `{ use: 'hold' }` or `{ use: 'record', record: object | null }`. */
function checkResolution(answer: unknown): ConflictResolution {
  if (isPlainObject(answer)) {
    const use = answer['use'];
    if (use === 'server' || use === 'hold') return { use };
    if (use === 'record') {
      const record = answer['record'];
      if (record === null) return { use, record };
      if (isPlainObject(record)) {
        assertSafeJson(record, 'record');
        const copy = cloneJson(record);
        if (copy !== undefined) return { use, record: copy };
      }
    }
  }
  throw new SynclineError('bad-request', {
    detail: "A custom conflict policy must answer { use: 'server' }, { use: 'hold' } or { use: 'record', record: <object or null> }.",
  });
}

/** A structured clone, or undefined when the value holds something that cannot be cloned (a function). */
function cloneJson(record: JsonRecord): JsonRecord | undefined {
  try {
    return structuredClone(record);
  } catch {
    return undefined;
  }
}
