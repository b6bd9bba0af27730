import type { ActionInputOf, ActionNamesOf, ActionResultOf, ResourceDefinition } from '@syncline/schema';
import { expectSuccess, isRecord } from '../requests/answers.js';
import type { Transport } from '../requests/transport.js';
import type { ReplicaStore } from '../store/replica-store.js';

/**
 * A resource's custom actions (`defineAction`), typed from its definition: the input
 * from the action's schema, the result from its handler (the target record when the
 * handler returns nothing).
 */
export interface ActionMethods<D> {
  /**
   * Runs a record action: `POST /<resource>/<id>/<name>` over the client's transport.
   * When the answer is the target record, the replica stores it (live views update).
   *
   * @example
   * const poll = await client.resource(polls).action('vote', pollId, { choice: 'c1' });
   */
  action<N extends ActionNamesOf<D>>(name: N, id: string, input: ActionInputOf<D, N>): Promise<ActionResultOf<D, N>>;
  /**
   * Runs a collection action: `POST /<resource>/<name>`.
   *
   * @example
   * const poll = await client.resource(polls).collectionAction('create', { question: 'Lunch?', choices: ['Soup', 'Salad'] });
   */
  collectionAction<N extends ActionNamesOf<D, 'collection'>>(name: N, input: ActionInputOf<D, N>): Promise<ActionResultOf<D, N>>;
}

/** What the action calls need from the client. */
export interface ActionCallContext {
  readonly transport: Transport;
  readonly store: Pick<ReplicaStore, 'applyServer'>;
}

/**
 * The action methods of one resource's client.
 *
 * @example
 * const methods = createActionMethods(polls, { transport, store });
 * await methods.action('close', pollId, {});
 */
export function createActionMethods<D extends ResourceDefinition>(definition: D, context: ActionCallContext): ActionMethods<D> {
  const call = async (resource: string, input: unknown, id: string | undefined): Promise<unknown> => {
    const response = expectSuccess(await context.transport.request({ method: 'POST', resource, body: input }));
    const body: unknown = response.body;
    const etag = response.headers['etag'];
    // An answer with the target's ETag is the target record: keep the replica current.
    if (id !== undefined && etag !== undefined && isRecord(body) && body['id'] === id) {
      context.store.applyServer(`/${definition.name}/${encodeURIComponent(id)}`, etag, body);
    }
    return body;
  };
  return {
    // The answer's shape is the server's promise, as the definition types it.
    action: async (name, id, input) => (await call(`/${definition.name}/${encodeURIComponent(id)}/${name}`, input, id)) as ActionResultOf<D, typeof name>,
    collectionAction: async (name, input) => (await call(`/${definition.name}/${name}`, input, undefined)) as ActionResultOf<D, typeof name>,
  };
}
