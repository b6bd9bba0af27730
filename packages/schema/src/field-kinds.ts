import { z } from 'zod';
import type { AnyObjectSchema } from './define-resource.js';

/**
 * How a field is stored and compared. Scalars get a column of their own type, so filters
 * and indexes work in SQL; anything else is stored as JSON and compared as a whole.
 */
export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'json';

export interface FieldInfo {
  readonly kind: FieldKind;
  /** `null` is a valid value. */
  readonly nullable: boolean;
  /** The field may be left out (optional or with a default). */
  readonly optional: boolean;
}

type JsonSchema = { type?: string | string[]; anyOf?: JsonSchema[]; enum?: unknown[]; const?: unknown; default?: unknown };

function kindOf(schema: JsonSchema): { kind: FieldKind; nullable: boolean } {
  if (schema.anyOf) {
    const nonNull = schema.anyOf.filter((s) => s.type !== 'null');
    const nullable = nonNull.length < schema.anyOf.length;
    if (nonNull.length === 1 && nonNull[0]) return { kind: kindOf(nonNull[0]).kind, nullable };
    return { kind: 'json', nullable };
  }
  if (Array.isArray(schema.type)) {
    const nonNull = schema.type.filter((t) => t !== 'null');
    const nullable = nonNull.length < schema.type.length;
    return nonNull.length === 1 ? { kind: kindOf({ type: nonNull[0] as string }).kind, nullable } : { kind: 'json', nullable };
  }
  switch (schema.type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return { kind: schema.type, nullable: false };
    case 'null':
      return { kind: 'json', nullable: true };
    default:
      if (schema.const !== undefined) {
        const t = typeof schema.const;
        if (t === 'string' || t === 'number' || t === 'boolean') return { kind: t, nullable: false };
      }
      return { kind: 'json', nullable: false };
  }
}

/** Derives each field's {@link FieldInfo} from a Zod object schema. */
export function describeFields(schema: AnyObjectSchema): Record<string, FieldInfo> {
  const fields: Record<string, FieldInfo> = {};
  for (const [name, field] of Object.entries(schema.shape)) {
    const json = z.toJSONSchema(field as z.ZodType, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
    const { kind, nullable } = kindOf(json);
    const optional = (field as z.ZodType).safeParse(undefined).success;
    fields[name] = { kind, nullable, optional };
  }
  return fields;
}
