import { SynclineError } from '@syncline/protocol';
import { MATCH_ALL, uuidv7, type ActionResource, type ActionTransaction, type CollectionQuery, type RecordOf, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import type { Change, StorageWriter, StoredRecord } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { createRecord, deleteRecord, ownFields, updateRecord } from './record-writes.js';
import type { WriteContext, WrittenChange } from './write-context.js';

/** The most records `tx.list` answers when the query names no limit. */
const DEFAULT_LIST_LIMIT = 1000;

/** An {@link ActionTransaction} bound to one storage transaction, with what its writes did. */
export interface BoundActionTransaction {
  readonly tx: ActionTransaction;
  /** Every change the writes made, in order, those they caused included: published, and their after-hooks run, once committed. */
  readonly written: readonly WrittenChange[];
  /** Which definition a record object handed to the handler belongs to (to represent it if the handler answers it). */
  definitionOf(record: unknown): ResourceDefinition | undefined;
}

/**
 * Binds an action's transaction to a storage transaction. Writes run with `context`
 * (the server's own: read rules and field write rules do not limit it), skip the touched
 * resources' write rules (the action's `allow` authorized them) and otherwise go through
 * the same validation, hooks (with the cause `action`), references and inheritance as requests.
 *
 * @example
 * const bound = bindActionTransaction(deps, writer, { transport: 'internal' });
 * await bound.tx.update(polls, id, { question: 'Lunch?' }); // bound.written holds its change
 */
export function bindActionTransaction(deps: PipelineDeps, writer: StorageWriter, context: RequestContext): BoundActionTransaction {
  const journal: WrittenChange[] = [];
  const seen = new WeakMap<object, ResourceDefinition>();

  const registered = (definition: ActionResource): ResourceDefinition => {
    const found = deps.registry.get(definition.name);
    if (found === undefined || found !== definition) throw new TypeError(`Action: resource "${definition.name}" is not one this server serves`);
    return found;
  };
  const hand = <D extends ActionResource>(definition: ResourceDefinition, record: StoredRecord): RecordOf<D> => {
    seen.set(record, definition);
    return record as unknown as RecordOf<D>;
  };
  const writeOf = (definition: ResourceDefinition): WriteContext => ({ deps, tx: writer, context, definition, cause: 'action', journal });
  const written = (definition: ResourceDefinition, change: Change): StoredRecord => {
    if (!change.after) throw new Error(`Action: the write to ${definition.name} produced no record`);
    return change.after;
  };
  const replace = async (definition: ResourceDefinition, current: StoredRecord, fields: unknown): Promise<StoredRecord> =>
    written(definition, await updateRecord(writeOf(definition), current, fields));
  const create = async (definition: ResourceDefinition, fields: unknown, id: string): Promise<StoredRecord> =>
    written(definition, await createRecord(writeOf(definition), fields, id));

  const tx: ActionTransaction = {
    async get(definition, id) {
      const resource = registered(definition);
      const record = await writer.get(resource.name, id);
      return record === undefined ? undefined : hand(resource, record);
    },
    async list(definition, query) {
      const resource = registered(definition);
      const full: CollectionQuery = { filter: MATCH_ALL, order: [{ field: 'id', direction: 'asc' }], limit: DEFAULT_LIST_LIMIT, ...query };
      const records = await writer.list(resource.name, full);
      return records.map((record) => hand(resource, record));
    },
    async create(definition, fields, id) {
      const resource = registered(definition);
      return hand(resource, await create(resource, fields, id ?? uuidv7()));
    },
    async update(definition, id, fields) {
      const resource = registered(definition);
      const current = await writer.get(resource.name, id);
      if (current === undefined) throw new SynclineError('not-found', { detail: `No ${resource.name} record ${id}.` });
      return hand(resource, await replace(resource, current, { ...ownFields(current), ...fields }));
    },
    async put(definition, id, fields) {
      const resource = registered(definition);
      const current = await writer.get(resource.name, id);
      return hand(resource, current === undefined ? await create(resource, fields, id) : await replace(resource, current, fields));
    },
    async delete(definition, id) {
      const resource = registered(definition);
      const current = await writer.get(resource.name, id);
      if (current === undefined) return false;
      await deleteRecord(writeOf(resource), current);
      return true;
    },
  };
  return {
    tx,
    written: journal,
    definitionOf: (record) => (typeof record === 'object' && record !== null ? seen.get(record) : undefined),
  };
}
