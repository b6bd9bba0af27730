/**
 * `@syncline/react`: a provider and hooks over `@syncline/client`'s live views, actions,
 * presence, connection state, outbox and session, built on `useSyncExternalStore`, with
 * types inferred from the shared resource definitions.
 *
 * @example
 * function OpenTodos({ list }: { list: string }) {
 *   const { data, status } = useCollection(todos, { where: { list, done: false }, order: 'order' });
 *   const { patch } = useMutation(todos);
 *   if (status === 'loading') return <p>Loading…</p>;
 *   return <ul>{data.map((todo) => (
 *     <li key={todo.id}><label><input type="checkbox" onChange={() => patch(todo.id, { done: true })} />{todo.title}</label></li>
 *   ))}</ul>;
 * }
 */
export { SynclineProvider, useSynclineClient, type SynclineProviderProps } from './provider.js';
export { useCollection, useRecord, type CollectionState, type RecordState } from './use-live.js';
export { useMutation, type Mutation } from './use-mutation.js';
export { useAction, type ActionRun, type ActionState, type AnyActionNameOf } from './use-action.js';
export { usePresence, type PresenceState } from './use-presence.js';
export { useConnectionState } from './use-connection-state.js';
export { useOutbox, type OutboxState } from './use-outbox.js';
export { useSession } from './use-session.js';
export type { LiveState, LiveStatus } from './live-state.js';
