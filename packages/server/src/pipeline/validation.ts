import { SynclineError, type FieldError } from '@syncline/protocol';
import { SYSTEM_FIELDS, type AnyObjectSchema, type ResourceDefinition } from '@syncline/schema';
import type { z } from 'zod';
import type { StoredRecord } from '../storage/storage.js';

const strictSchemas = new WeakMap<ResourceDefinition, z.ZodType>();

/** Unknown fields are refused (422), never silently dropped: a typo must not lose data. */
function strictSchemaOf(definition: ResourceDefinition): z.ZodType {
  let schema = strictSchemas.get(definition);
  if (!schema) {
    schema = (definition.schema as AnyObjectSchema).strict();
    strictSchemas.set(definition, schema);
  }
  return schema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Splits a write body into its own fields, validated by the resource's schema, after
 * checking the server-owned fields: absent, or (so that what you GET you can PUT back)
 * equal to the current record's. Throws `validation-failed` or `read-only-field` (422)
 * with the path of every offending field.
 */
export function validateWrite(definition: ResourceDefinition, body: unknown, current?: StoredRecord): Record<string, unknown> {
  if (!isPlainObject(body)) {
    throw new SynclineError('validation-failed', {
      detail: 'The body must be a JSON object.',
      errors: [{ path: [], message: 'expected an object' }],
    });
  }
  const readOnly: FieldError[] = [];
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((SYSTEM_FIELDS as readonly string[]).includes(key)) {
      if (current === undefined || current[key] !== value) {
        readOnly.push({ path: [key], message: `"${key}" is set by the server` });
      }
    } else {
      own[key] = value;
    }
  }
  if (readOnly.length > 0) {
    throw new SynclineError('read-only-field', { detail: 'Server-owned fields cannot be written.', errors: readOnly });
  }
  const result = strictSchemaOf(definition).safeParse(own);
  if (!result.success) {
    throw new SynclineError('validation-failed', {
      detail: `The ${definition.name} record is not valid.`,
      errors: result.error.issues.flatMap((issue): FieldError[] => {
        const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
        // Zod reports all unknown keys in one issue; name each so a form can mark it.
        if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown field' }));
        return [{ path, message: issue.message }];
      }),
    });
  }
  return result.data as Record<string, unknown>;
}
