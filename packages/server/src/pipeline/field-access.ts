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
 * The fields that do not exist for a caller's writes: those it cannot see. The server's own
 * operations see every field, hidden ones included (sign-up writes the password hash).
 */
export function unseenByWriter(definition: ResourceDefinition, context: RequestContext): ReadonlySet<string> {
  return context.transport === 'internal' ? new Set() : fieldView(definition, context).withheld;
}

/**
 * Takes out of a write body the fields the caller may not write. One it sees but may not
 * write is refused when the write changes its value (403 with its path), and otherwise
 * keeps the current value (or nothing, on create), so a client may PUT back what it read.
 * One it cannot see is left for the schema to refuse as an unknown field: for this caller
 * it does not exist, and any other answer would let it test guesses of the field or its
 * value ({@link withUnseenFields} puts the current values back after validation).
 */
export function protectFields(
  definition: ResourceDefinition,
  body: Record<string, unknown>,
  current: Readonly<Record<string, unknown>> | undefined,
  context: RequestContext,
): Record<string, unknown> {
  const refused: FieldError[] = [];
  const result: Record<string, unknown> = { ...body };
  const unseen = unseenByWriter(definition, context);
  const withheld = fieldView(definition, context).withheld;
  for (const field of Object.keys(definition.fieldRules)) {
    if (unseen.has(field)) continue;
    if (mayWriteField(definition, field, context, { current, value: body[field] })) {
      // The server's own write keeps a hidden field it does not name (a PATCH of what it read).
      if (withheld.has(field) && !(field in body) && current?.[field] !== undefined) result[field] = current[field];
      continue;
    }
    const changes = current === undefined || !sameValue(body[field], current[field]);
    if (field in body && changes) refused.push({ path: [field], message: `"${field}" cannot be written by this caller` });
    if (current !== undefined && current[field] !== undefined) result[field] = current[field];
    else delete result[field];
  }
  if (refused.length > 0) throw new SynclineError('forbidden', { detail: 'The request writes fields the caller may not write.', errors: refused });
  return result;
}

/**
 * A validated write with the current values of the fields its caller cannot see put back:
 * a caller never names them ({@link protectFields}) and never loses them either.
 */
export function withUnseenFields(
  definition: ResourceDefinition,
  fields: Record<string, unknown>,
  current: Readonly<Record<string, unknown>> | undefined,
  context: RequestContext,
): Record<string, unknown> {
  if (current === undefined) return fields;
  const result = { ...fields };
  for (const field of unseenByWriter(definition, context)) {
    if (current[field] !== undefined) result[field] = current[field];
  }
  return result;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
