import { z } from 'zod';
import { SYSTEM_FIELDS, queryFieldInfo, type FieldInfo, type ResourceDefinition, type Scalar } from '@syncline/schema';
import { didYouMean } from './definition-problem.js';

/** A mistake in a filter: the field it concerns (when one) and what is wrong. */
export interface FilterMistake {
  readonly field?: string;
  readonly message: string;
}

const RANGE_OPS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte']);
const OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'in', 'contains', ...RANGE_OPS]);

type JsonSchema = { type?: string | string[]; anyOf?: JsonSchema[] };

/** Whether a json field's schema is an array (perhaps nullable): what `contains` looks into. */
function isArrayField(definition: ResourceDefinition, field: string): boolean {
  const schema = definition.schema.shape[field];
  if (schema === undefined) return false;
  const json = z.toJSONSchema(schema as z.ZodType, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const isArray = (node: JsonSchema): boolean => node.type === 'array' || (Array.isArray(node.type) && node.type.includes('array')) || (node.anyOf?.some(isArray) ?? false);
  return isArray(json);
}

/** Whether a value can equal a value of a field of this kind (SQL would answer false or convert otherwise). */
function fitsKind(info: FieldInfo, value: Scalar): boolean {
  if (value === null || info.kind === 'json') return true;
  if (info.kind === 'integer') return Number.isSafeInteger(value);
  if (info.kind === 'number') return typeof value === 'number';
  return typeof value === info.kind;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function conditionMistakes(definition: ResourceDefinition, field: string, op: string, value: unknown): FilterMistake[] {
  const info = queryFieldInfo(definition, field);
  if (info === undefined) {
    return [{ field, message: `names unknown field "${field}"${didYouMean(field, [...Object.keys(definition.fields), ...SYSTEM_FIELDS])}` }];
  }
  if (!OPS.has(op)) return [{ field, message: `uses unknown operator "${op}" on "${field}"${didYouMean(op, OPS)}` }];
  if (op === 'in' && !Array.isArray(value)) return [{ field, message: `"in" on "${field}" takes a list of values` }];
  if (op !== 'in' && Array.isArray(value)) return [{ field, message: `"${op}" on "${field}" takes one value, not a list` }];
  const values: unknown[] = op === 'in' ? (value as unknown[]) : [value];
  const wrong = values.find((one) => !isScalar(one));
  if (wrong !== undefined) return [{ field, message: `compares "${field}" with ${JSON.stringify(wrong) ?? String(wrong)}, which is not a string, number, boolean or null` }];
  if (op === 'contains') {
    if (info.kind !== 'json' || !isArrayField(definition, field)) return [{ field, message: `"contains" applies only to array fields; "${field}" is ${info.kind === 'json' ? 'json but not an array' : info.kind}` }];
    if (value === null) return [{ field, message: `"contains" on "${field}" needs a value, not null` }];
    return [];
  }
  if (RANGE_OPS.has(op)) {
    if (info.kind === 'json' || info.kind === 'boolean') return [{ field, message: `"${op}" does not apply to ${info.kind} field "${field}"` }];
    if (value === null) return [{ field, message: `"${op}" on "${field}" compares with null, which only eq and ne do` }];
  }
  const misfit = (values as Scalar[]).find((one) => !fitsKind(info, one));
  if (misfit !== undefined) return [{ field, message: `compares ${info.kind} field "${field}" with ${JSON.stringify(misfit)}, which no value of it equals` }];
  return [];
}

/**
 * Every mistake in a filter a read rule returned: fields the resource does not have
 * (system fields count), operators that do not suit the field's kind (`contains` on a
 * field that is not an array, a range over json or booleans), values of the wrong type,
 * and nodes that are not filters. Storage would fail on some of these at request time and
 * silently match nothing on others.
 *
 * @example
 * filterMistakes(todos, { field: 'ownr', op: 'eq', value: 'ann' }); // [{ field: 'ownr', message: 'names unknown field "ownr" (did you mean "owner"?)' }]
 */
export function filterMistakes(definition: ResourceDefinition, filter: unknown): FilterMistake[] {
  if (typeof filter !== 'object' || filter === null) return [{ message: `returned ${JSON.stringify(filter) ?? String(filter)} inside a filter, which is neither a condition nor and/or/not` }];
  const node = filter as Record<string, unknown>;
  if (typeof node['field'] === 'string') return conditionMistakes(definition, node['field'], String(node['op']), node['value']);
  if (Array.isArray(node['and'])) return node['and'].flatMap((part) => filterMistakes(definition, part));
  if (Array.isArray(node['or'])) return node['or'].flatMap((part) => filterMistakes(definition, part));
  if ('not' in node) return filterMistakes(definition, node['not']);
  return [{ message: `returned ${JSON.stringify(filter)} inside a filter, which is neither a condition nor and/or/not` }];
}
