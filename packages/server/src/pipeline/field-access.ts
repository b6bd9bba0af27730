import { SynclineError, type FieldError } from '@syncline/protocol';
import type { FieldWrite, RequestContext, ResourceDefinition } from '@syncline/schema';

/**
 * The fields one caller may not see. Field read rules depend on the caller only, so every
 * subscriber with the same view shares one serialized event.
 */
export interface FieldView {
  /** Names the view: equal keys mean equal representations ('' when nothing beyond hidden fields is withheld). */
  readonly key: string;
  readonly withheld: ReadonlySet<string>;
}

const hiddenViews = new WeakMap<ResourceDefinition, FieldView>();

/** The view with hidden fields and every field that has a read rule withheld: what is safe when the caller is unknown. */
function conservativeView(definition: ResourceDefinition): FieldView {
  let view = hiddenViews.get(definition);
  if (!view) {
    const withheld = new Set(Object.entries(definition.fieldRules).filter(([, rule]) => rule.hidden === true || rule.read !== undefined).map(([field]) => field));
    view = { key: [...withheld].join(','), withheld };
    hiddenViews.set(definition, view);
  }
  return view;
}

/** What `context` may see of `definition`'s records. */
export function fieldView(definition: ResourceDefinition, context?: RequestContext): FieldView {
  if (context === undefined) return conservativeView(definition);
  let withheld: Set<string> | undefined;
  for (const [field, rule] of Object.entries(definition.fieldRules)) {
    if (rule.hidden === true || (rule.read !== undefined && !rule.read(context))) (withheld ??= new Set()).add(field);
  }
  if (withheld === undefined) return { key: '', withheld: new Set() };
  return { key: [...withheld].sort().join(','), withheld };
}

const NO_WRITE: FieldWrite = { current: undefined, value: undefined };

/** Whether `context` may set `field` in this write (the server's own operations may set any). */
export function mayWriteField(definition: ResourceDefinition, field: string, context: RequestContext, write: FieldWrite = NO_WRITE): boolean {
  const rule = definition.fieldRules[field];
  if (rule === undefined || context.transport === 'internal') return true;
  if (rule.hidden === true) return false;
  if (rule.write === undefined || rule.write === true) return true;
  if (rule.write === false) return false;
  return rule.write(context, write);
}

/**
 * Takes out of a write body the fields the caller may not write. One the caller cannot
 * see is refused whenever it is sent (403 with its path: accepting an equal value would
 * let a caller test guesses of a hidden one); one it sees is refused when it changes the
 * value. Otherwise the current value (or nothing, on create) is kept, so a client may PUT
 * back what it read.
 */
export function protectFields(
  definition: ResourceDefinition,
  body: Record<string, unknown>,
  current: Readonly<Record<string, unknown>> | undefined,
  context: RequestContext,
): Record<string, unknown> {
  const refused: FieldError[] = [];
  const result: Record<string, unknown> = { ...body };
  const unseen = fieldView(definition, context).withheld;
  for (const field of Object.keys(definition.fieldRules)) {
    if (mayWriteField(definition, field, context, { current, value: body[field] })) {
      // A writer that cannot see the field (the server's own PATCH of a record with a hidden one) keeps it unless it sets it.
      if (unseen.has(field) && !(field in body) && current?.[field] !== undefined) result[field] = current[field];
      continue;
    }
    const changes = current === undefined || !sameValue(body[field], current[field]);
    if (field in body && (unseen.has(field) || changes)) {
      refused.push({ path: [field], message: `"${field}" cannot be written by this caller` });
    }
    if (current !== undefined && current[field] !== undefined) result[field] = current[field];
    else delete result[field];
  }
  if (refused.length > 0) throw new SynclineError('forbidden', { detail: 'The request writes fields the caller may not write.', errors: refused });
  return result;
}

/** Fields a caller may not see cannot be filtered or sorted by either (that would reveal them). */
export function assertQueryable(view: FieldView, fields: Iterable<string>): void {
  for (const field of fields) {
    if (view.withheld.has(field)) throw new SynclineError('invalid-query', { detail: `Unknown field "${field}".` });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
