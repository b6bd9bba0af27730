import { SynclineError } from '@syncline/protocol';
import { MATCH_ALL, MATCH_NONE, type Filter, type RequestContext, type ResourceDefinition } from '@syncline/schema';

/** A resource for signed-in callers only answers an anonymous one with 401, on every operation. */
export function assertSignedIn(definition: ResourceDefinition, context: RequestContext): void {
  if (definition.signedIn && context.principal === undefined && context.transport !== 'internal') {
    throw new SynclineError('unauthenticated', { detail: `Sign in to use ${definition.name}.` });
  }
}

/**
 * The filter of the records a caller may read, from the resource's read rule. It is
 * computed once per request or subscription and then used both in SQL (collections)
 * and in memory (single records, pushed events). The server's own operations
 * (`transport: 'internal'`) read everything.
 */
export function readScope(definition: ResourceDefinition, context: RequestContext): Filter {
  assertSignedIn(definition, context);
  const rule = definition.rules.read;
  if (rule === undefined || context.transport === 'internal') return MATCH_ALL;
  const scope = rule(context);
  if (scope === true) return MATCH_ALL;
  if (scope === false) return MATCH_NONE;
  return scope;
}
