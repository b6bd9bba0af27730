import type { SynclineError } from '@syncline/protocol';
import { etagOfVersion } from '../live/live-record.js';
import { asSynclineError, expectSuccess, isRecord, type JsonRecord } from '../requests/answers.js';
import type { IncomingResponse, OutgoingRequest, Transport } from '../requests/transport.js';
import { versionOf, type ReplicaStore } from '../store/replica-store.js';
import { ConflictError } from './conflict-error.js';

export interface WriteContext {
  readonly store: ReplicaStore;
  readonly transport: Transport;
  /** Told about every conflict before the write's promise rejects with it. */
  readonly onConflict: (conflict: ConflictError) => void;
}

export interface OptimisticWrite {
  readonly uri: string;
  readonly method: 'PUT' | 'PATCH' | 'DELETE';
  /** What the record will look like (null: deleted); undefined when it cannot be known yet. */
  readonly optimistic: JsonRecord | null | undefined;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Applies a write to the store at once (dirty), sends it with `If-Match` from the replica's
 * ETag, and settles the entry: the server's representation on success; the server's version
 * on failure (a roll-back), rejecting with the SynclineError; on 412 a {@link ConflictError}
 * holding the attempted and the current version, fetched for the purpose.
 *
 * @example
 * await optimisticWrite(context, { uri: '/todos/1', method: 'PATCH', optimistic: { ...todo, done: true }, body: { done: true } });
 */
export async function optimisticWrite(context: WriteContext, write: OptimisticWrite): Promise<JsonRecord | null> {
  const { store, transport } = context;
  const { uri } = write;
  const previous = store.get(uri);
  if (write.optimistic !== undefined) {
    store.set({ uri, etag: previous?.etag ?? null, dirty: true, data: write.optimistic, base: previous?.base ?? null });
  }
  const headers: Record<string, string> = { ...write.headers };
  if (previous?.etag) headers['if-match'] = previous.etag;
  const request: OutgoingRequest = write.body === undefined ? { method: write.method, resource: uri, headers } : { method: write.method, resource: uri, headers, body: write.body };
  let response: IncomingResponse;
  try {
    response = expectSuccess(await transport.request(request));
  } catch (error) {
    const failure = asSynclineError(error);
    if (failure.code === 'precondition-failed') throw await conflict(context, uri, write.optimistic ?? null, failure);
    rollBack(store, uri);
    throw failure;
  }
  const record = isRecord(response.body) ? response.body : null;
  settle(store, uri, record, response.headers['etag'] ?? etagOfVersion(record?.['version']));
  return record;
}

/** Puts the last server version known back (events may have moved it meanwhile). */
function rollBack(store: ReplicaStore, uri: string): void {
  const now = store.get(uri);
  if (now) store.set({ uri, etag: now.etag, dirty: false, data: now.base, base: now.base });
}

/** Stores the confirmed version, unless an event already brought a newer one. */
function settle(store: ReplicaStore, uri: string, record: JsonRecord | null, etag: string | null): void {
  const now = store.get(uri);
  const newer = now?.base && record && (versionOf(now.base) ?? 0) > (versionOf(record) ?? 0);
  if (newer) store.set({ ...now, dirty: false, data: now.base });
  else store.set({ uri, etag: record ? etag : null, dirty: false, data: record, base: record });
}

async function conflict(context: WriteContext, uri: string, local: JsonRecord | null, cause: SynclineError): Promise<ConflictError> {
  let server: JsonRecord | null = null;
  let serverEtag: string | null = null;
  try {
    const current = await context.transport.request({ method: 'GET', resource: uri });
    if (current.status === 200 && isRecord(current.body)) {
      server = current.body;
      serverEtag = current.headers['etag'] ?? etagOfVersion(server['version']);
    }
  } catch {
    // Without the server's version the conflict is still reported, with `server` null.
  }
  // The local copy now follows the server; the attempted version lives on in the error.
  context.store.set({ uri, etag: serverEtag, dirty: false, data: server, base: server });
  const error = new ConflictError({ uri, local, server, serverEtag, cause });
  context.onConflict(error);
  return error;
}
