import { parseCollectionQuery, type CollectionQuery, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import { fieldView } from './field-access.js';
import type { PipelineDeps } from './pipeline-deps.js';

/**
 * Parses a collection's query string as one caller may ask it, for every surface that
 * reads one (GET and HEAD, SUBSCRIBE on the socket and on event streams, presence, which
 * asks GET): the server's page sizes and its bound on conditions (`maxQueryConditions`,
 * checked before anything reaches SQL), and the fields the caller cannot see answered
 * exactly as fields that do not exist, so no refusal reveals them. Throws `invalid-query`.
 *
 * @example
 * const query = parseQueryFor(deps, todos, new URLSearchParams('done=false&order=-rank'), op.context);
 */
export function parseQueryFor(deps: PipelineDeps, definition: ResourceDefinition, params: URLSearchParams, context: RequestContext): CollectionQuery {
  return parseCollectionQuery(definition, params, {
    defaultLimit: deps.limits.defaultPageSize,
    maxLimit: deps.limits.maxPageSize,
    maxConditions: deps.limits.maxQueryConditions,
    withheld: fieldView(definition, context).withheld,
  });
}
