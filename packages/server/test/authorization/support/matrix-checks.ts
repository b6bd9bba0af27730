/** Checks of what a client may receive: a record's exact visible shape, and no hidden value anywhere. */
import { SECRET_MARK } from './sharing-resources.js';

// ---------------------------------------------------------------------------------------
// What a client may receive.

const SYSTEM = ['id', 'version', 'createdAt', 'updatedAt'];
const SHAPES: Record<'lists' | 'todos', readonly string[]> = {
  lists: [...SYSTEM, 'title', 'owner', 'members'],
  todos: [...SYSTEM, 'title', 'done', 'list'],
};
const OWN_FIELDS: Record<'lists' | 'todos', readonly string[]> = { lists: ['title', 'owner', 'members'], todos: ['title', 'done', 'list'] };

export class Violation extends Error {
  override name = 'Violation';
}
export function fail(message: string): never {
  throw new Violation(message);
}

/** A served representation must have exactly the visible fields (no hidden one) and equal the model's record. */
export function checkRepresentation(where: string, resource: 'lists' | 'todos', body: unknown, expected?: Record<string, unknown>): void {
  if (typeof body !== 'object' || body === null) fail(`${where}: not a record: ${JSON.stringify(body)}`);
  const keys = Object.keys(body).sort();
  const shape = [...SHAPES[resource]].sort();
  if (JSON.stringify(keys) !== JSON.stringify(shape)) fail(`${where}: ${resource} record has fields ${keys.join(',')}, expected exactly ${shape.join(',')}`);
  if (expected) {
    for (const field of OWN_FIELDS[resource]) {
      const got = (body as Record<string, unknown>)[field];
      if (JSON.stringify(got) !== JSON.stringify(expected[field])) {
        fail(`${where}: ${resource} ${String(expected['id'])}.${field} is ${JSON.stringify(got)}, the model says ${JSON.stringify(expected[field])}`);
      }
    }
  }
}

export function checkNoSecret(where: string, raw: string): void {
  if (raw.includes(SECRET_MARK)) fail(`${where}: a hidden field's value left the server: ${raw.slice(0, 500)}`);
}
