import type { ActionResource, AnyObjectSchema, Hooks, ReadRecord, RecordReader, ResourceDefinition, ResourceRecord } from '@syncline/schema';
import type { StorageWriter, StoredRecord } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import type { WrittenChange } from './write-context.js';

type AnyHooks = Hooks<AnyObjectSchema>;
type AnyRecord = ResourceRecord<AnyObjectSchema>;

// Definitions are typed per schema; the pipeline handles any of them, as records it has validated.
export const hooksOf = (definition: ResourceDefinition): AnyHooks => definition.hooks as AnyHooks;
export const asRecord = (record: StoredRecord): AnyRecord => record as unknown as AnyRecord;

/** What `before*` hooks read other records with: the write's own transaction, as the server. */
export function readerOf(tx: StorageWriter): RecordReader {
  return {
    get: async <D extends ActionResource>(resource: D, id: string) => (await tx.get(resource.name, id)) as ReadRecord<D> | undefined,
  };
}

/** Runs an after-hook; its failure is reported, never turned into a failed write (the write is committed). */
async function runAfterHook(deps: PipelineDeps, where: string, hook: () => void | Promise<void>): Promise<void> {
  try {
    await hook();
  } catch (error) {
    deps.reportError(error, where);
  }
}

/**
 * Runs the `after*` hook of every committed change, in the order of the changes, each
 * with its own resource's hooks and its own write's context (and so its `cause`):
 * the record a request named, what an action wrote, cascaded deletes and inherited-field
 * rewrites alike.
 */
export async function runAfterHooks(deps: PipelineDeps, written: readonly WrittenChange[]): Promise<void> {
  for (const { change, context } of written) {
    const definition = deps.registry.get(change.resource);
    if (definition === undefined) continue;
    const hooks = hooksOf(definition);
    const { after, before } = change;
    const where = `${definition.name}.after${change.kind === 'create' ? 'Create' : change.kind === 'update' ? 'Update' : 'Delete'}`;
    if (change.kind === 'create' && after && hooks.afterCreate) await runAfterHook(deps, where, () => hooks.afterCreate?.(context, asRecord(after)));
    if (change.kind === 'update' && after && before && hooks.afterUpdate) await runAfterHook(deps, where, () => hooks.afterUpdate?.(context, asRecord(after), asRecord(before)));
    if (change.kind === 'delete' && before && hooks.afterDelete) await runAfterHook(deps, where, () => hooks.afterDelete?.(context, asRecord(before)));
  }
}
