import { SynclineError, type FieldError } from '@syncline/protocol';
import { SYSTEM_FIELDS, type AnyObjectSchema, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import type { z } from 'zod';
import type { StoredRecord } from '../storage/storage.js';
import { mayWriteField, protectFields, unseenByWriter, withUnseenFields } from './field-access.js';

const strictSchemas = new WeakMap<ResourceDefinition, Map<string, z.ZodType>>();

/** The fields a caller's write is checked against: some left optional, some taken out. */
interface WriteShape {
  /** Fields the server sets for this caller: they may be absent. */
  readonly optional: readonly string[];
  /** Fields this caller cannot see: for it they do not exist, so naming one is an unknown field. */
  readonly absent: readonly string[];
}

/**
 * Unknown fields are refused (422), never silently dropped: a typo must not lose data.
 * Fields the server sets (`optional`) may be absent here; the write is validated again,
 * whole, once hooks and inheritance have set them.
 */
function strictSchemaOf(definition: ResourceDefinition, shape: WriteShape): z.ZodType {
  let schemas = strictSchemas.get(definition);
  if (!schemas) strictSchemas.set(definition, (schemas = new Map()));
  const key = `${shape.optional.join(',')}|${shape.absent.join(',')}`;
  let schema = schemas.get(key);
  if (!schema) {
    let base = definition.schema as AnyObjectSchema;
    if (shape.absent.length > 0) base = base.omit(Object.fromEntries(shape.absent.map((field) => [field, true as const])));
    const optional = shape.optional.filter((field) => !shape.absent.includes(field));
    const mask = Object.fromEntries(optional.map((field) => [field, true as const]));
    schema = (optional.length > 0 ? base.partial(mask) : base).strict();
    schemas.set(key, schema);
  }
  return schema;
}

/** The shape of a write that no field rule touches: the schema as it is, every field required as declared. */
const PLAIN_SHAPE: WriteShape = { optional: [], absent: [] };

/** Whether any field of the resource has a rule (hidden, read or write): without one, a caller's write is checked by the schema alone. */
function hasFieldRules(definition: ResourceDefinition): boolean {
  for (const field in definition.fieldRules) if (Object.hasOwn(definition.fieldRules, field)) return true;
  return false;
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
export function validateWrite(definition: ResourceDefinition, body: unknown, current?: StoredRecord, context?: RequestContext): Record<string, unknown> {
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
  // Without field rules, protecting fields and putting unseen ones back change nothing: skipped.
  const ruled = context !== undefined && hasFieldRules(definition);
  let input = own;
  let shape = PLAIN_SHAPE;
  if (ruled) {
    input = protectFields(definition, own, current, context);
    shape = {
      optional: Object.keys(definition.fieldRules).filter((field) => !mayWriteField(definition, field, context, { current, value: own[field] })),
      absent: [...unseenByWriter(definition, context)].sort(),
    };
  }
  const result = strictSchemaOf(definition, shape).safeParse(input);
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
  const fields = result.data as Record<string, unknown>;
  return ruled ? withUnseenFields(definition, fields, current, context) : fields;
}
