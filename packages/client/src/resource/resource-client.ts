import { SynclineError } from '@syncline/protocol';
import { applyMergePatch, formatQueryObject, SYSTEM_FIELDS, uuidv7, type InputOf, type QueryObject, type RecordOf, type ResourceDefinition } from '@syncline/schema';
import { createLiveQuery } from '../live/live-query.js';
import { createLiveRecord, etagOfVersion } from '../live/live-record.js';
import type { createViewPool, LiveView } from '../live/live-view.js';
import { expectSuccess, isRecord, pageOf, recordOf, type JsonRecord } from '../requests/answers.js';
import type { OfflineReplica, OfflineWriteRequest } from '../offline/offline-replica.js';
import type { ConflictPolicyName } from '../offline/offline-types.js';
import type { Subscriptions } from '../subscriptions/subscriptions.js';
import { createActionMethods, type ActionMethods } from './action-call.js';
import { optimisticWrite, type WriteContext } from './optimistic-write.js';

/**
 * A collection query: a query object checked against the resource's fields at compile time
 * (`{ where: { done: false }, order: '-createdAt', limit: 20 }`, see {@link QueryObject}),
 * or a query string (`done=false&order=-createdAt`), checked by the server at run time only.
 * Both give the same query: the object is written as its query string.
 */
export type ListQuery<D extends ResourceDefinition = ResourceDefinition> = string | QueryObject<RecordOf<D>>;

/** A merge patch of a resource's fields (RFC 7396: `null` removes an optional field). */
export type MergePatchOf<D> = { [K in keyof InputOf<D>]?: InputOf<D>[K] | null };

/**
 * Per-call write options. `conflict` (with `offline`) names the policy for this write's
 * conflicts, overriding the resource's: `api.patch(id, { title }, { conflict: 'client-wins' })`.
 */
export interface WriteOptions {
  readonly conflict?: ConflictPolicyName;
}

/** One page of a collection. `next` is the URI of the following page, or null. */
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/**
 * Typed access to one resource, with types inferred from its shared definition.
 *
 * @example
 * const api = client.resource(todos);
 * const todo = await api.create({ title: 'Milk', list: listId });
 * await api.patch(todo.id, { done: true });
 * const open = api.liveQuery({ where: { list: listId, done: false }, order: 'order' });
 */
export interface ResourceClient<D extends ResourceDefinition> extends ActionMethods<D> {
  get(id: string): Promise<RecordOf<D>>;
  /** One page of the collection (`next` links the following one). */
  list(query?: ListQuery<D>): Promise<Page<RecordOf<D>>>;
  /**
   * Creates a record. With `offline`, optimistically: the client picks a UUID and queues
   * `PUT /<resource>/<uuid>` with `If-None-Match: *`; the record shows at once.
   */
  create(input: InputOf<D>, options?: WriteOptions): Promise<RecordOf<D>>;
  /** Replaces the record (PUT), optimistically, with `If-Match` when its ETag is known. */
  update(id: string, record: InputOf<D>, options?: WriteOptions): Promise<RecordOf<D>>;
  /**
   * Merges fields into the record (JSON Merge Patch), optimistically, with `If-Match` when known.
   * With `offline`, `update` and `patch` reject with `not-found` when a later delete on this
   * replica reached the server in their place (a conflict's write-back replaced both).
   */
  patch(id: string, partial: MergePatchOf<D>, options?: WriteOptions): Promise<RecordOf<D>>;
  delete(id: string, options?: WriteOptions): Promise<void>;
  /**
   * A live record: undefined until loaded, and once deleted. With `start` (the record from a
   * `GET` or a server-rendered page, null if it did not exist, and that answer's
   * `syncline-seq`), it is ready at once and receives every change made since, none twice.
   */
  live(id: string, start?: LiveStart<RecordOf<D> | null>): LiveView<RecordOf<D> | undefined>;
  /**
   * A live collection, sorted and filtered like the query. With `start` (every record the
   * query matched, e.g. all pages of a `list`, and the lowest `syncline-seq` of those
   * answers), it is ready at once and receives every change made since, none twice.
   * `start` is ignored when a view of the same query is already open (it is newer).
   */
  liveQuery(query?: ListQuery<D>, start?: LiveStart<readonly RecordOf<D>[]>): LiveView<readonly RecordOf<D>[]>;
}

/**
 * Data already loaded and the change-log position it reflects (the `Syncline-Seq` of its
 * answer, or the `data-seq` of a server-rendered page): a live view starts from there
 * instead of reading a snapshot, and misses nothing written in between.
 *
 * @example
 * const page = await fetch('/todos?list=1'); // Syncline-Seq: 12
 * api.liveQuery({ where: { list: '1' } }, { from: 12, initial: (await page.json()).items });
 */
export interface LiveStart<T> {
  readonly from: number;
  readonly initial: T;
}

export interface ResourceClientContext extends WriteContext {
  /** Undefined with `transport: 'http'`: live views need the socket. */
  readonly subscriptions: Subscriptions | undefined;
  readonly pool: ReturnType<typeof createViewPool<unknown>>;
  /** With `offline`: writes go to the durable outbox instead. */
  readonly offline?: Pick<OfflineReplica, 'write'> | undefined;
}

/**
 * `list=5&done=false` from either form of {@link ListQuery}: a string as it is (without a
 * leading `?`), an object as its canonical query string. With the definition, the text
 * "null" compared with a nullable field (which the query string would read as null) throws.
 *
 * @example
 * queryString({ where: { list: '5', done: false }, order: '-createdAt' }); // 'done=false&list=5&order=-createdAt'
 */
export function queryString<D extends ResourceDefinition>(query: ListQuery<D> = '', definition?: D): string {
  if (typeof query === 'string') return query.replace(/^\?/, '');
  return formatQueryObject(query, definition);
}

export function createResourceClient<D extends ResourceDefinition>(definition: D, context: ResourceClientContext): ResourceClient<D> {
  type R = RecordOf<D>;
  const { store, transport } = context;
  const uriOf = (id: string): string => `/${definition.name}/${encodeURIComponent(id)}`;
  // Wire records are checked to be objects; their field types are the server's promise.
  const typed = (record: JsonRecord): R => record as R;
  const remember = (record: JsonRecord): JsonRecord => {
    store.applyServer(uriOf(String(record['id'])), etagOfVersion(record['version']), record);
    return record;
  };
  const needsSocket = (): Subscriptions => {
    if (context.subscriptions) return context.subscriptions;
    throw new SynclineError('unavailable', { detail: 'Live views need the socket transport.' });
  };
  const settled = (record: JsonRecord | null): R => {
    if (record) return typed(record);
    throw new SynclineError('internal', { detail: 'The write answered no record.' });
  };
  // With `offline`, writes replaced by one write-back settle with it: a null is a later local delete that won.
  const settledOffline = (record: JsonRecord | null, uri: string): R => {
    if (record) return typed(record);
    throw new SynclineError('not-found', { detail: `${uri} was deleted by a later write on this replica before this one was acknowledged.` });
  };
  const queued = (request: OfflineWriteRequest, options: WriteOptions | undefined): Promise<JsonRecord | null> | undefined =>
    context.offline?.write(options?.conflict === undefined ? request : { ...request, policy: options.conflict });
  const mergePatch = { 'content-type': 'application/merge-patch+json' };
  // The schema's defaults, so an optimistic record matches the queries the server's would;
  // only for fields the client writes: a server-set one (`write: false`, inherited through a
  // reference) sent even at its default is refused with 403, and one the caller may not see
  // (hidden, or with a read rule that may refuse it) is an unknown field (422) for it.
  const clientWritten = (field: string): boolean => {
    const rule = definition.fieldRules[field];
    return rule === undefined || (rule.hidden !== true && rule.read === undefined && (rule.write === undefined || rule.write === true));
  };
  const withDefaults = (input: unknown): unknown => {
    const parsed = definition.schema.safeParse(input);
    if (!(parsed.success && isRecord(parsed.data) && isRecord(input))) return input;
    return { ...Object.fromEntries(Object.entries(parsed.data).filter(([field]) => clientWritten(field))), ...input };
  };

  return {
    ...createActionMethods(definition, context),
    async get(id) {
      const response = expectSuccess(await transport.request({ method: 'GET', resource: uriOf(id) }));
      return typed(remember(recordOf(response)));
    },
    async list(query) {
      const qs = queryString(query, definition);
      const response = expectSuccess(await transport.request({ method: 'GET', resource: `/${definition.name}${qs ? `?${qs}` : ''}` }));
      const page = pageOf(response);
      return { items: page.items.map((item) => typed(remember(item))), next: page.next };
    },
    async create(input, options) {
      const uri = uriOf(uuidv7());
      const offline = queued({ uri, method: 'PUT', create: true, body: withDefaults(input) }, options);
      if (offline) return settledOffline(await offline, uri);
      const response = expectSuccess(await transport.request({ method: 'POST', resource: `/${definition.name}`, body: input }));
      return typed(remember(recordOf(response)));
    },
    async update(id, record, options) {
      const uri = uriOf(id);
      const offline = queued({ uri, method: 'PUT', body: withDefaults(record) }, options);
      if (offline) return settledOffline(await offline, uri);
      const current = store.get(uri)?.data;
      const system = current ? Object.fromEntries(SYSTEM_FIELDS.filter((f) => f in current).map((f) => [f, current[f]])) : undefined;
      const optimistic = system && isRecord(record) ? { ...withoutSystemFields(record), ...system } : undefined;
      return settled(await optimisticWrite(context, { uri, method: 'PUT', optimistic, body: record }));
    },
    async patch(id, partial, options) {
      const uri = uriOf(id);
      const offline = queued({ uri, method: 'PATCH', body: partial, headers: mergePatch }, options);
      if (offline) return settledOffline(await offline, uri);
      const current = store.get(uri)?.data;
      const merged = current ? applyMergePatch(current, partial) : undefined;
      const optimistic = isRecord(merged) ? merged : undefined;
      return settled(await optimisticWrite(context, { uri, method: 'PATCH', optimistic, body: partial, headers: mergePatch }));
    },
    async delete(id, options) {
      const uri = uriOf(id);
      const offline = queued({ uri, method: 'DELETE' }, options);
      if (offline) return void (await offline);
      await optimisticWrite(context, { uri, method: 'DELETE', optimistic: store.get(uri)?.data ? null : undefined });
    },
    // The pool is shared by every resource, so it holds unknown; a key names one resource,
    // whose definition gives the type back here.
    live(id, start) {
      const subscriptions = needsSocket();
      const uri = uriOf(id);
      const from = start === undefined ? undefined : { from: start.from, data: start.initial as JsonRecord | null };
      return context.pool.acquire(uri, () => createLiveRecord<unknown>({ uri, store, subscriptions, start: from })) as LiveView<R | undefined>;
    },
    liveQuery(query, start) {
      const subscriptions = needsSocket();
      const qs = queryString(query, definition);
      const key = `/${definition.name}?${qs}`;
      const from = start === undefined ? undefined : { from: start.from, items: start.initial as readonly JsonRecord[] };
      return context.pool.acquire(key, () => createLiveQuery<unknown>({ definition, query: qs, store, subscriptions, transport, start: from })) as LiveView<readonly R[]>;
    },
  };
}

function withoutSystemFields(record: JsonRecord): JsonRecord {
  const rest: JsonRecord = { ...record };
  for (const field of SYSTEM_FIELDS) delete rest[field];
  return rest;
}
