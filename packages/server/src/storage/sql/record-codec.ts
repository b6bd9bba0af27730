import type { FieldInfo, FieldKind, ResourceDefinition } from '@syncline/schema';
import type { StoredRecord } from '../storage.js';
import type { SqlDialect } from './sql-dialect.js';

/** A resource's table: its columns in order (system fields first), each with its field info. */
export interface ResourceTable {
  readonly name: string;
  readonly definition: ResourceDefinition;
  readonly columns: ReadonlyMap<string, FieldInfo>;
}

const REQUIRED = { nullable: false, optional: false } as const;
const SYSTEM_COLUMNS: ReadonlyArray<readonly [string, FieldInfo]> = [
  ['id', { kind: 'string', ...REQUIRED }],
  ['version', { kind: 'integer', ...REQUIRED }],
  ['createdAt', { kind: 'string', ...REQUIRED }],
  ['updatedAt', { kind: 'string', ...REQUIRED }],
];

/**
 * The table a definition needs.
 *
 * @example
 * describeTable(todos).columns.get('done'); // { kind: 'boolean', nullable: false, optional: true }
 */
export function describeTable(definition: ResourceDefinition): ResourceTable {
  return {
    name: definition.name,
    definition,
    columns: new Map([...SYSTEM_COLUMNS, ...Object.entries(definition.fields)]),
  };
}

/** The field info of a column; throws a TypeError for a field the resource does not have. */
export function columnOf(table: ResourceTable, field: string): FieldInfo {
  const info = table.columns.get(field);
  if (!info) throw new TypeError(`Resource "${table.name}" has no field "${field}"`);
  return info;
}

/**
 * Whether a JSON value fits a column of this kind. Storage checks before it writes, so a
 * value that would not read back the same (a `'yes'` in a boolean column) never lands.
 */
export function fitsKind(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return true;
  }
}

/**
 * A record as a row: one entry per column, absent optional fields as SQL NULL, and
 * `version` set to the write's seq. Refuses unknown fields and values of the wrong kind.
 *
 * @example
 * encodeRecord(table, sqliteDialect, { id, createdAt, updatedAt, done: true }, 7); // { id, version: 7, …, done: 1 }
 */
export function encodeRecord(
  table: ResourceTable,
  dialect: SqlDialect,
  record: Readonly<Record<string, unknown>>,
  version: number,
): Record<string, unknown> {
  for (const key of Object.keys(record)) {
    if (key !== 'version') columnOf(table, key);
  }
  const row: Record<string, unknown> = {};
  for (const [name, info] of table.columns) {
    const value = name === 'version' ? version : Object.hasOwn(record, name) ? record[name] : undefined;
    const required = name === 'id' || name === 'createdAt' || name === 'updatedAt';
    if ((required || (value !== undefined && value !== null)) && !fitsKind(info.kind, value)) {
      throw new TypeError(`Resource "${table.name}": field "${name}" must hold a ${info.kind}, got ${JSON.stringify(value)}`);
    }
    row[name] = dialect.encode(info.kind, value);
  }
  return row;
}

/**
 * A row back to a record. SQL NULL stands for both `null` and "absent": it reads back as
 * absent for an optional field that cannot be null, and as `null` otherwise. (A json field
 * that is optional and not nullable, like `z.unknown()`, therefore reads a stored `null`
 * back as absent.)
 */
export function decodeRow(table: ResourceTable, dialect: SqlDialect, row: Readonly<Record<string, unknown>>): StoredRecord {
  const record: Record<string, unknown> = {};
  for (const [name, info] of table.columns) {
    const raw = row[name];
    if (raw === null || raw === undefined) {
      if (info.nullable || !info.optional) record[name] = null;
      continue;
    }
    record[name] = dialect.decode(info.kind, raw);
  }
  return record as StoredRecord;
}
