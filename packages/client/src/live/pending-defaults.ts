import type { ResourceDefinition } from '@syncline/schema';
import type { JsonRecord } from '../requests/answers.js';

/**
 * A pending record as the server will store it, for placing it in a live query: the fields
 * it leaves out get their schema defaults (`done: false`), hidden fields excepted. A create
 * made offline (`{ title, list }`) then matches `done=false` as the server's record will.
 * Only the query's filter and order read this; what the view shows, and what is sent,
 * stay the record as written.
 *
 * @example
 * withSchemaDefaults(todos, { id: '0193…', title: 'Milk', list: '1' }); // { …, done: false, order: 0 }
 */
export function withSchemaDefaults(definition: ResourceDefinition, record: JsonRecord): JsonRecord {
  let filled: JsonRecord | undefined;
  for (const [field, schema] of Object.entries(definition.schema.shape)) {
    if (Object.hasOwn(record, field) || definition.fieldRules[field]?.hidden === true) continue;
    // A field's default is what its schema makes of a missing value (optional fields make
    // nothing). Read through Standard Schema, whose `validate` is synchronous for these schemas.
    const result = schema['~standard'].validate(undefined);
    if (!(result instanceof Promise) && result.issues === undefined && result.value !== undefined) (filled ??= { ...record })[field] = result.value;
  }
  return filled ?? record;
}
