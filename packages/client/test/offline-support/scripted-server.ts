import { SynclineError } from '@syncline/protocol';
import { applyMergePatch } from '@syncline/schema';
import type { IncomingResponse, OutgoingRequest, Transport } from '../../src/index.js';
import type { JsonRecord } from '../../src/requests/answers.js';

/** What the test decides for one request the client sends. */
export interface RequestScript {
  /** Runs before the server handles the request: may await (the request waits), or change records. */
  before?(request: OutgoingRequest): void | Promise<void>;
  /** True: the server runs the request, then its answer is lost (the client sees no answer). */
  loseAnswer?(request: OutgoingRequest): boolean;
}

/**
 * An in-memory record server behind a transport, whose timing the test controls: records
 * with versions from one counter (ETag `"<version>"`), `If-Match` / `If-None-Match: *`,
 * merge patches, idempotency keys (a retry with the same key replays the stored answer, with
 * `idempotency-replayed: true`, and runs nothing), `GET` and `POST /_reconcile`. `write`
 * stands for another client's write, and `script` decides when an answer arrives or whether
 * it is lost. No timers: what happens between two requests is what the test does there.
 *
 * @example
 * const server = scriptedServer();
 * server.write('/todos/1', { title: 'Milk' });
 * const replica = createOfflineReplica({ …, transport: server.transport });
 */
export interface ScriptedServer {
  readonly transport: Transport & { readonly requests: OutgoingRequest[] };
  script: RequestScript;
  /** Another writer's write: the record's new content (null: deleted); answers the new version. */
  write(uri: string, content: JsonRecord | null): JsonRecord | null;
  get(uri: string): JsonRecord | null;
  /** How many times the write sent with this idempotency key changed a record (a retry replayed must not). */
  applied(key: string): number;
  /** The writes the client sent (not reads or reconciles), as `METHOD If-Match`. */
  writes(): string[];
}

export function scriptedServer(): ScriptedServer {
  let seq = 0;
  const records = new Map<string, JsonRecord>();
  const outcomes = new Map<string, IncomingResponse>();
  const applications = new Map<string, number>();
  const requests: OutgoingRequest[] = [];
  const etagOf = (record: JsonRecord): string => `"${String(record['version'])}"`;
  const store = (uri: string, content: JsonRecord | null): JsonRecord | null => {
    if (content === null) {
      records.delete(uri);
      seq++;
      return null;
    }
    const { id: _id, version: _version, ...fields } = content;
    const record = { ...fields, id: uri.slice(uri.lastIndexOf('/') + 1), version: ++seq };
    records.set(uri, record);
    return record;
  };
  const answer = (status: number, record?: JsonRecord | null): IncomingResponse =>
    record ? { status, headers: { etag: etagOf(record) }, body: record } : status === 412 || status === 404 ? { status, headers: {}, body: { code: status === 412 ? 'precondition-failed' : 'not-found' } } : { status, headers: {} };

  const handle = (request: OutgoingRequest): IncomingResponse => {
    const uri = request.resource;
    const headers = request.headers ?? {};
    if (request.method === 'POST' && uri === '/_reconcile') {
      const { entries } = request.body as { entries: Array<{ uri: string; etag: string | null }> };
      const answers = entries.map((entry) => {
        const record = records.get(entry.uri);
        if (record === undefined) return { uri: entry.uri, status: 404 };
        return etagOf(record) === entry.etag ? { uri: entry.uri, status: 304, etag: entry.etag } : { uri: entry.uri, status: 200, etag: etagOf(record), body: record };
      });
      return { status: 200, headers: {}, body: { seq, entries: answers } };
    }
    const current = records.get(uri) ?? null;
    if (request.method === 'GET') return current ? answer(200, current) : answer(404);
    const key = headers['idempotency-key'];
    const stored = key === undefined ? undefined : outcomes.get(key);
    if (stored) return { ...stored, headers: { ...stored.headers, 'idempotency-replayed': 'true' } };
    const ifMatch = headers['if-match'];
    if (headers['if-none-match'] === '*' && current) return answer(412);
    if (ifMatch !== undefined && (current === null || etagOf(current) !== ifMatch)) return answer(412);
    if (current === null && headers['if-none-match'] !== '*') return answer(404);
    let result: IncomingResponse;
    if (request.method === 'DELETE') {
      store(uri, null);
      result = answer(204);
    } else if (request.method === 'PATCH') {
      result = answer(200, store(uri, { ...(applyMergePatch(current ?? {}, request.body) as JsonRecord) }));
    } else {
      result = answer(current ? 200 : 201, store(uri, request.body as JsonRecord));
    }
    if (key !== undefined) {
      outcomes.set(key, result);
      applications.set(key, (applications.get(key) ?? 0) + 1);
    }
    return result;
  };

  const server: ScriptedServer = {
    transport: {
      requests,
      async request(request) {
        requests.push(request);
        await server.script.before?.(request);
        const result = handle(request);
        if (server.script.loseAnswer?.(request)) throw new SynclineError('unavailable', { detail: 'The answer was lost.' });
        return structuredClone(result);
      },
    },
    script: {},
    write: (uri, content) => store(uri, content),
    get: (uri) => records.get(uri) ?? null,
    applied: (key) => applications.get(key) ?? 0,
    writes: () => requests.filter((request) => request.method !== 'GET' && request.resource !== '/_reconcile').map((request) => `${request.method} ${request.headers?.['if-match'] ?? request.headers?.['if-none-match'] ?? '-'}`),
  };
  return server;
}
