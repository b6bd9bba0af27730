import { HEADERS, SynclineError } from '@syncline/protocol';
import { and, cursorValues, formatCollectionQuery, matchesFilter, type CollectionQuery } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import type { ResourceTarget } from '../resource-registry.js';
import type { StoredRecord } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { evaluatePreconditions } from './preconditions.js';
import { readScope } from './read-scope.js';
import { parseQueryFor } from './collection-query.js';
import { fieldView } from './field-access.js';
import { collectionEtag, recordEtag, representRecord } from './representation.js';

export const JSON_TYPE = 'application/json';

/** A record snapshot with the change-log position it reflects. */
export interface RecordSnapshot {
  readonly record: StoredRecord;
  readonly seq: number;
}

/** Reads a record the caller may see, or throws `not-found` (an invisible record is answered as absent). */
export async function readRecord(deps: PipelineDeps, op: Pick<Operation, 'context'>, target: ResourceTarget & { id: string }): Promise<RecordSnapshot> {
  const { definition, id } = target;
  const { record, seq } = await deps.storage.read(async (tx) => ({ record: await tx.get(definition.name, id), seq: await tx.head() }));
  if (record === undefined || !matchesFilter(readScope(definition, op.context), record)) {
    throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
  }
  return { record, seq };
}

export interface CollectionPage {
  readonly query: CollectionQuery;
  readonly items: readonly StoredRecord[];
  readonly next: string | null;
  readonly seq: number;
}

/** Reads one page of a collection: the query's filter and the read rule's, both in SQL. */
export async function readCollection(deps: PipelineDeps, op: Pick<Operation, 'context'>, target: ResourceTarget): Promise<CollectionPage> {
  const { definition } = target;
  const query = parseQueryFor(deps, definition, target.params, op.context);
  const scoped: CollectionQuery = { ...query, filter: and(query.filter, readScope(definition, op.context)), limit: query.limit + 1 };
  const { rows, seq } = await deps.storage.read(async (tx) => ({ rows: await tx.list(definition.name, scoped), seq: await tx.head() }));
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const next = rows.length > query.limit && last !== undefined
    ? `/${definition.name}?${formatCollectionQuery({ ...query, after: cursorValues(query.order, last) })}`
    : null;
  return { query, items, next, seq };
}

/** GET/HEAD on a record or a collection, with `If-None-Match` → 304 and the position in `Syncline-Seq`. */
export async function handleRead(deps: PipelineDeps, op: Operation, target: ResourceTarget): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, 'cache-control': 'no-cache' };
  let etag: string;
  let body: unknown;
  let seq: number;
  if (target.id !== undefined) {
    const snapshot = await readRecord(deps, op, { ...target, id: target.id });
    etag = recordEtag(snapshot.record.version);
    body = representRecord(target.definition, snapshot.record, fieldView(target.definition, op.context));
    seq = snapshot.seq;
  } else {
    const page = await readCollection(deps, op, target);
    etag = collectionEtag(page.items, page.next);
    const view = fieldView(target.definition, op.context);
    body = { items: page.items.map((item) => representRecord(target.definition, item, view)), next: page.next };
    if (page.next !== null) headers['link'] = `<${page.next}>; rel="next"`;
    seq = page.seq;
  }
  headers['etag'] = etag;
  headers[HEADERS.seq] = String(seq);
  if (evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: etag }) === 'not-modified') {
    return { status: 304, headers: { etag, [HEADERS.seq]: String(seq), 'cache-control': 'no-cache' } };
  }
  return { status: 200, headers, body };
}

