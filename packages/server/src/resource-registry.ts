import { SynclineError } from '@syncline/protocol';
import type { ActionDefinition, ResourceDefinition } from '@syncline/schema';

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

/** A custom action's URI: `/<resource>/<id>/<action>` (record) or `/<resource>/<action>` (collection). */
export interface ResolvedAction {
  readonly definition: ResourceDefinition;
  readonly name: string;
  readonly action: ActionDefinition;
  /** The target record's id; undefined for a collection action. */
  readonly id?: string;
  /** The path without the query. */
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
  /**
   * Resolves a custom action's URI, or undefined when the URI names no declared action
   * (a collection action's name is not an id: `/<resource>/<action>` is always the action).
   */
  resolveAction(uri: string): ResolvedAction | undefined;
}

/** An action of a definition by name, own properties only. */
function actionOf(definition: ResourceDefinition, name: string): ActionDefinition | undefined {
  return Object.hasOwn(definition.actions, name) ? definition.actions[name] : undefined;
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
  // Resources with actions: the only ones an action URI can name (every request asks first).
  const withActions = new Set(definitions.filter((definition) => Object.keys(definition.actions).length > 0).map((definition) => definition.name));
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
    resolveAction(uri) {
      if (withActions.size === 0) return undefined;
      const path = uri.split('?')[0] ?? '';
      const [empty, name, second, third, ...rest] = path.split('/');
      const definition = name === undefined || !withActions.has(name) ? undefined : byName.get(name);
      if (empty !== '' || definition === undefined || second === undefined || rest.length > 0) return undefined;
      if (third === undefined) {
        const action = actionOf(definition, second);
        return action?.on === 'collection' ? { definition, name: second, action, path } : undefined;
      }
      const action = actionOf(definition, third);
      if (action?.on !== 'record') return undefined;
      let id: string;
      try {
        id = decodeURIComponent(second);
      } catch {
        return undefined;
      }
      return ID_PATTERN.test(id) ? { definition, name: third, action, id, path } : undefined;
    },
  };
}
