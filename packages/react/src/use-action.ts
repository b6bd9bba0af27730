import type { SynclineError } from '@syncline/protocol';
import type { ActionInputOf, ActionNamesOf, ActionResultOf, ResourceDefinition } from '@syncline/schema';
import { useMemo } from 'react';
import { useSynclineClient } from './provider.js';
import { useWriteState } from './write-state.js';

/** Any action name of a definition, record or collection. */
export type AnyActionNameOf<D> = ActionNamesOf<D> | ActionNamesOf<D, 'collection'>;

/** How an action is called: `(id, input)` for a record action, `(input)` for a collection action. */
export type ActionRun<D, N extends AnyActionNameOf<D>> = N extends ActionNamesOf<D, 'collection'>
  ? (input: ActionInputOf<D, N>) => Promise<ActionResultOf<D, N> | undefined>
  : (id: string, input: ActionInputOf<D, N>) => Promise<ActionResultOf<D, N> | undefined>;

/** What `useAction` answers. `run` never rejects: a refusal resolves `undefined` and sets `error`. */
export interface ActionState<D, N extends AnyActionNameOf<D>> {
  readonly run: ActionRun<D, N>;
  /** True while a call of this hook is in flight. */
  readonly pending: boolean;
  /** Why the last call was refused, until the next call starts. */
  readonly error: SynclineError | undefined;
}

/**
 * Calls one of a resource's custom actions, typed from its definition (input from the
 * action's schema, result from its handler). When the answer is the target record, live
 * views show it.
 *
 * @example
 * const { run: vote, pending, error } = useAction(polls, 'vote');
 * <button disabled={pending} onClick={() => vote(poll.id, { choice: choice.id })}>{choice.text}</button>
 * {error && <p role="alert">{error.message}</p>}
 */
export function useAction<D extends ResourceDefinition, N extends AnyActionNameOf<D>>(definition: D, action: N): ActionState<D, N> {
  const client = useSynclineClient();
  const { track, pending, error } = useWriteState();
  const run = useMemo(() => {
    const actions = (definition as { readonly actions?: Readonly<Record<string, { readonly on: string }>> }).actions;
    const onCollection = actions?.[action]?.on === 'collection';
    // The two call shapes are told apart by the definition at run time, and by `ActionRun` for the caller.
    const call = (...args: unknown[]): Promise<unknown> => {
      const api = client.resource(definition) as unknown as {
        action(name: string, id: string, input: unknown): Promise<unknown>;
        collectionAction(name: string, input: unknown): Promise<unknown>;
      };
      return track(() => (onCollection ? api.collectionAction(action, args[0]) : api.action(action, String(args[0]), args[1])), undefined);
    };
    return call as ActionRun<D, N>;
  }, [client, definition, action, track]);
  return { run, pending, error };
}
