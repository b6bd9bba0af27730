import { HEADERS, RECONCILE_PATH, reconcileRequestSchema, SynclineError, type FieldError, type ReconcileAnswer, type ReconcileEntry, type ReconcileResponse } from '@syncline/protocol';
import { matchesFilter, type Filter, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import type { ResourceTarget } from '../resource-registry.js';
import type { StorageReader, StoredRecord } from '../storage/storage.js';
import { fieldView, type FieldView } from './field-access.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { JSON_TYPE } from './read-handlers.js';
import { readScope } from './read-scope.js';
import { recordEtag, representRecord } from './representation.js';

/** Entries answered between two turns of the event loop. */
const ANSWER_SLICE = 100;

/** The methods `/_reconcile` allows. */
export const RECONCILE_ALLOW = 'POST';

/**
 * Whether an operation's URI is the reconcile request's (with a query string too, which
 * the request then refuses with 400).
 *
 * @example
 * isReconcileUri('/_reconcile'); // true
 * isReconcileUri('/todos'); // false
 */
export function isReconcileUri(uri: string): boolean {
  return uri === RECONCILE_PATH || uri.startsWith(`${RECONCILE_PATH}?`);
}

/** An entry resolved to a record of a resource the caller may use, or to the answer it gets without a read. */
type Resolved = { readonly target: ResourceTarget & { id: string } } | { readonly answer: ReconcileAnswer };

function resolveEntry(deps: PipelineDeps, context: RequestContext, entry: ReconcileEntry): Resolved {
  const missing = { answer: { uri: entry.uri, status: 404 } } as const;
  let target: ResourceTarget;
  try {
    target = deps.registry.resolve(entry.uri);
  } catch {
    return missing;
  }
  // Only a plain record URI names a record: a collection, a query, an internal resource are not in any replica.
  if (target.id === undefined || entry.uri.includes('?') || (target.definition.internal && context.transport !== 'internal')) return missing;
  if (target.definition.signedIn && context.principal === undefined && context.transport !== 'internal') return { answer: { uri: entry.uri, status: 401 } };
  return { target: { ...target, id: target.id } };
}

/** The body, checked: 422 with the failing paths, 413 past the entry limit. */
function parseRequest(body: unknown, maxEntries: number): readonly ReconcileEntry[] {
  const count = typeof body === 'object' && body !== null && Array.isArray((body as { entries?: unknown }).entries) ? (body as { entries: unknown[] }).entries.length : 0;
  if (count > maxEntries) {
    throw new SynclineError('payload-too-large', { detail: `A reconcile request holds at most ${maxEntries} entries; send several.` });
  }
  const parsed = reconcileRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data.entries;
  throw new SynclineError('validation-failed', {
    detail: 'The body must be {"entries":[{"uri":"/<resource>/<id>","etag":"\\"<version>\\"" or null}, …]}.',
    errors: parsed.error.issues.slice(0, 20).map((issue): FieldError => ({
      path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
      message: issue.message,
    })),
  });
}

/**
 * Each URI once, at its first entry: a URI repeated is answered once (for its first entry's
 * ETag), so repeating one cannot multiply the work or the answer.
 */
function distinctByUri(entries: readonly ReconcileEntry[]): readonly ReconcileEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.uri) && seen.add(entry.uri) !== undefined);
}

/** Reads every named record in the reader's one snapshot, one query per resource. */
async function readRecords(tx: StorageReader, targets: readonly (ResourceTarget & { id: string })[]): Promise<Map<string, Map<string, StoredRecord>>> {
  const ids = new Map<string, Set<string>>();
  for (const { definition, id } of targets) {
    const wanted = ids.get(definition.name) ?? new Set<string>();
    wanted.add(id);
    ids.set(definition.name, wanted);
  }
  const found = new Map<string, Map<string, StoredRecord>>();
  for (const [resource, wanted] of ids) {
    const list = [...wanted];
    const rows = await tx.list(resource, { filter: { field: 'id', op: 'in', value: list }, order: [{ field: 'id', direction: 'asc' }], limit: list.length });
    found.set(resource, new Map(rows.map((row) => [row.id, row])));
  }
  return found;
}

/** What the caller may read of one resource: its read rule as a filter and its field view, worked out once per request. */
interface Sight {
  readonly scope: Filter;
  readonly view: FieldView;
}

function answerFor(entry: ReconcileEntry, definition: ResourceDefinition, record: StoredRecord | undefined, sight: Sight): ReconcileAnswer {
  // As GET answers: a record the read rule hides is absent.
  if (record === undefined || !matchesFilter(sight.scope, record)) return { uri: entry.uri, status: 404 };
  const etag = recordEtag(record.version);
  if (entry.etag === etag) return { uri: entry.uri, status: 304, etag };
  return { uri: entry.uri, status: 200, etag, body: representRecord(definition, record, sight.view) };
}

/**
 * `POST /_reconcile`: answers, for each `(uri, etag)` a client's replica holds, whether
 * its copy is current (304), what the record is now (200 with ETag and the record as GET
 * shows it), or that there is no record it may read (404; 401 per entry for a signed-in
 * resource asked anonymously). All entries are read in one snapshot, whose change-log
 * position is `seq` (and `syncline-seq`), so the client can resume its subscriptions from
 * it. One round trip for the whole replica; nothing is written or logged. A URI named twice is
 * answered once, at its first entry; the distinct entries are charged to the caller's budgets
 * (`op.charge`), 429 `rate-limited` with `retry-after` when spent.
 *
 * @example
 * await handleReconcile(deps, { method: 'POST', uri: '/_reconcile', headers: {}, body: { entries: [{ uri: '/todos/0193…', etag: '"12"' }] }, context }, 1000);
 * // { status: 200, headers: { 'syncline-seq': '140', … }, body: { seq: 140, entries: [{ uri: '/todos/0193…', status: 304, etag: '"12"' }] } }
 */
export async function handleReconcile(deps: PipelineDeps, op: Operation, maxEntries: number): Promise<Outcome> {
  if (op.method !== 'POST') {
    throw new SynclineError('method-not-allowed', { detail: `${op.method} is not allowed on ${RECONCILE_PATH}.`, headers: { allow: RECONCILE_ALLOW } });
  }
  if (op.uri !== RECONCILE_PATH) throw new SynclineError('bad-request', { detail: `${RECONCILE_PATH} takes no query string.` });
  const entries = distinctByUri(parseRequest(op.body, maxEntries));
  // Charged by the work asked for, not per request: a request of 1,000 entries costs 1,000.
  const waitMs = op.charge?.(entries.length) ?? 0;
  if (waitMs > 0) {
    const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
    throw new SynclineError('rate-limited', { detail: `Too many reconcile entries answered lately; these ${entries.length} can be answered in ${retryAfter} s.`, headers: { 'retry-after': retryAfter } });
  }
  const resolved = entries.map((entry) => resolveEntry(deps, op.context, entry));
  const targets = resolved.flatMap((item) => ('target' in item ? [item.target] : []));
  const { records, seq } = await deps.storage.read(async (tx) => ({ records: await readRecords(tx, targets), seq: await tx.head() }));
  const sights = new Map<ResourceDefinition, Sight>();
  const sightOf = (definition: ResourceDefinition): Sight => {
    let sight = sights.get(definition);
    if (sight === undefined) {
      sight = { scope: readScope(definition, op.context), view: fieldView(definition, op.context) };
      sights.set(definition, sight);
    }
    return sight;
  };
  const answers: ReconcileAnswer[] = [];
  for (const [index, item] of resolved.entries()) {
    // Other callers' requests run between slices: a large reconcile does not hold the event loop for all of its records.
    if (index > 0 && index % ANSWER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    if ('answer' in item) {
      answers.push(item.answer);
      continue;
    }
    const { definition, id } = item.target;
    answers.push(answerFor(entries[index] as ReconcileEntry, definition, records.get(definition.name)?.get(id), sightOf(definition)));
  }
  const body: ReconcileResponse = { seq, entries: answers };
  return { status: 200, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', [HEADERS.seq]: String(seq) }, body };
}
