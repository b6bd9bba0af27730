import type { ResourceDefinition, SystemFieldName } from './define-resource.js';
import type { FieldInfo } from './field-kinds.js';
import type { Scalar } from './filter.js';

const SYSTEM_FIELD_INFO: Readonly<Record<SystemFieldName, FieldInfo>> = {
  id: { kind: 'string', nullable: false, optional: false },
  version: { kind: 'integer', nullable: false, optional: false },
  createdAt: { kind: 'string', nullable: false, optional: false },
  updatedAt: { kind: 'string', nullable: false, optional: false },
};

/**
 * A field a query may name: a system field or one of the resource's own.
 *
 * @example
 * queryFieldInfo(todos, 'version'); // { kind: 'integer', nullable: false, optional: false }
 */
export function queryFieldInfo(def: ResourceDefinition, field: string): FieldInfo | undefined {
  if (Object.hasOwn(SYSTEM_FIELD_INFO, field)) return SYSTEM_FIELD_INFO[field as SystemFieldName];
  return Object.hasOwn(def.fields, field) ? def.fields[field] : undefined;
}

/**
 * Whether a field can be ordered by: a non-nullable scalar, so SQL's NULL placement
 * (first in SQLite, last in PostgreSQL) never matters.
 *
 * @example
 * isOrderable({ kind: 'string', nullable: true, optional: false }); // false
 */
export function isOrderable(info: FieldInfo): boolean {
  return info.kind !== 'json' && !info.nullable;
}

// A decimal as JSON writes numbers (and `String(n)` does): no hex, no `Infinity`, no blanks.
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The result of reading one value: the value, or why it is not one. */
export type Coerced = { readonly ok: true; readonly value: Scalar } | { readonly ok: false; readonly message: string };

/**
 * Reads a query-string value as a field's kind: `null` is null for a nullable field,
 * integers must be safe, numbers finite, booleans `true` or `false`; strings are taken as
 * they are. Json fields only compare with null.
 *
 * @example
 * coerceQueryValue({ kind: 'integer', nullable: false, optional: false }, '42'); // { ok: true, value: 42 }
 */
export function coerceQueryValue(info: FieldInfo, raw: string): Coerced {
  if (raw === 'null' && info.nullable) return { ok: true, value: null };
  switch (info.kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'integer': {
      const value = Number(raw);
      if (!INTEGER.test(raw) || !Number.isSafeInteger(value)) return { ok: false, message: `"${raw}" is not a safe integer` };
      return { ok: true, value: value === 0 ? 0 : value }; // never -0
    }
    case 'number': {
      const value = Number(raw);
      if (!NUMBER.test(raw) || !Number.isFinite(value)) return { ok: false, message: `"${raw}" is not a finite number` };
      return { ok: true, value: value === 0 ? 0 : value };
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return { ok: false, message: `"${raw}" is not true or false` };
    case 'json':
      return { ok: false, message: info.nullable ? 'a json field compares only with null (or contains)' : 'a json field can only be filtered with contains' };
  }
}

/**
 * Whether a decoded cursor value fits a field's kind (order fields are never nullable).
 *
 * @example
 * fitsKind({ kind: 'integer', nullable: false, optional: false }, 1.5); // false
 */
export function fitsKind(info: FieldInfo, value: Scalar): boolean {
  switch (info.kind) {
    case 'string':
    case 'boolean':
      return typeof value === info.kind;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'json':
      return false;
  }
}
