import { SynclineError } from '@syncline/protocol';
import type { ResourceDefinition } from '@syncline/schema';

/** A field of another resource that refers to records of this one. */
export interface InboundReference {
  readonly from: ResourceDefinition;
  readonly field: string;
  readonly onDelete: 'restrict' | 'cascade';
}

/** Where a URI points: a collection (`/todos`) or a record (`/todos/<id>`). */
export interface ResourceTarget {
  readonly definition: ResourceDefinition;
  readonly id?: string;
  readonly params: URLSearchParams;
  /** The path without the query: `/todos` or `/todos/<id>`. */
  readonly path: string;
}

/** Ids are URI segments: letters, digits, `-`, `_`, `.`, `~` (RFC 3986 unreserved), at most 128. */
export const ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

export interface ResourceRegistry {
  readonly definitions: readonly ResourceDefinition[];
  get(name: string): ResourceDefinition | undefined;
  /** Which fields of other resources refer to `name`. */
  inbound(name: string): readonly InboundReference[];
  /** Resolves a URI; throws `not-found` for unknown resources or malformed ids. */
  resolve(uri: string): ResourceTarget;
}

/** The URI of one record. */
export function recordUri(resource: string, id: string): string {
  return `/${resource}/${encodeURIComponent(id)}`;
}

export function createResourceRegistry(definitions: readonly ResourceDefinition[]): ResourceRegistry {
  const byName = new Map<string, ResourceDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) throw new TypeError(`Resource "${definition.name}" is defined twice`);
    byName.set(definition.name, definition);
  }
  const inbound = new Map<string, InboundReference[]>();
  for (const definition of definitions) {
    for (const [field, reference] of Object.entries(definition.references)) {
      if (!byName.has(reference.resource)) {
        throw new TypeError(`Resource "${definition.name}": field "${field}" refers to unknown resource "${reference.resource}"`);
      }
      const list = inbound.get(reference.resource) ?? [];
      list.push({ from: definition, field, onDelete: reference.onDelete });
      inbound.set(reference.resource, list);
    }
  }
  return {
    definitions,
    get: (name) => byName.get(name),
    inbound: (name) => inbound.get(name) ?? [],
    resolve(uri) {
      const queryStart = uri.indexOf('?');
      const path = queryStart === -1 ? uri : uri.slice(0, queryStart);
      const params = new URLSearchParams(queryStart === -1 ? '' : uri.slice(queryStart + 1));
      const segments = path.split('/');
      // '/todos' → ['', 'todos']; '/todos/42' → ['', 'todos', '42']; a trailing slash is not the same resource.
      const [empty, name, rawId, ...rest] = segments;
      const definition = name === undefined ? undefined : byName.get(name);
      if (empty !== '' || definition === undefined || rest.length > 0) {
        throw new SynclineError('not-found', { detail: `No resource at ${path}.` });
      }
      if (rawId === undefined) return { definition, params, path };
      let id: string;
      try {
        id = decodeURIComponent(rawId);
      } catch {
        throw new SynclineError('not-found', { detail: `No resource at ${path}.` });
      }
      if (!ID_PATTERN.test(id)) throw new SynclineError('not-found', { detail: `No resource at ${path}.` });
      return { definition, id, params, path };
    },
  };
}
