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

/** The `after*` hook a committed change runs, if its resource has one. */
function afterHookOf(deps: PipelineDeps, { change, context }: WrittenChange): { where: string; run: () => void | Promise<void> } | undefined {
  const definition = deps.registry.get(change.resource);
  if (definition === undefined) return undefined;
  const hooks = hooksOf(definition);
  const { after, before } = change;
  if (change.kind === 'create' && after && hooks.afterCreate) {
    const hook = hooks.afterCreate;
    return { where: `${definition.name}.afterCreate`, run: () => hook(context, asRecord(after)) };
  }
  if (change.kind === 'update' && after && before && hooks.afterUpdate) {
    const hook = hooks.afterUpdate;
    return { where: `${definition.name}.afterUpdate`, run: () => hook(context, asRecord(after), asRecord(before)) };
  }
  if (change.kind === 'delete' && before && hooks.afterDelete) {
    const hook = hooks.afterDelete;
    return { where: `${definition.name}.afterDelete`, run: () => hook(context, asRecord(before)) };
  }
  return undefined;
}

/**
 * Runs the `after*` hook of every committed change, in the order of the changes, each
 * with its own resource's hooks and its own write's context (and so its `cause`):
 * the record a request named, what an action wrote, cascaded deletes and inherited-field
 * rewrites alike. Returns `undefined`, without a promise to wait for, when no change has one
 * (the common write: no extra promise turn on its path).
 */
export function runAfterHooks(deps: PipelineDeps, written: readonly WrittenChange[]): Promise<void> | undefined {
  const hooks = written.map((entry) => afterHookOf(deps, entry));
  if (hooks.every((hook) => hook === undefined)) return undefined;
  return (async () => {
    for (const hook of hooks) if (hook !== undefined) await runAfterHook(deps, hook.where, hook.run);
  })();
}
