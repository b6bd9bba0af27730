import type { Presence } from '@syncline/client';
import { SynclineError, type PresenceData, type PresenceMember } from '@syncline/protocol';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useSynclineClient } from './provider.js';

/** What `usePresence` answers: who is there, and this connection's announcements. */
export interface PresenceState {
  /** The members as last heard (empty until the subscription's answer, and on the server). */
  readonly members: readonly PresenceMember[];
  /** Announces this connection (`viewing`, `editing`…); rejects with the server's SynclineError. */
  join(state: string, data?: PresenceData): Promise<void>;
  update(state: string, data?: PresenceData): Promise<void>;
  leave(): Promise<void>;
  /** Why presence is not available (a client without the socket), else undefined. */
  readonly error: SynclineError | undefined;
}

const NOBODY: readonly PresenceMember[] = Object.freeze([]);
const serverMembers = (): readonly PresenceMember[] => NOBODY;

/**
 * Presence at a record or collection URI: the members, and join/update/leave bound to the
 * client's presence API. A component that joined leaves when it unmounts (or when `uri`
 * changes), so a closed editor does not stay "editing".
 *
 * @example
 * function Editors({ id }: { id: string }) {
 *   const { members, join } = usePresence(`/todos/${id}`);
 *   useEffect(() => void join('editing').catch(() => {}), [join]);
 *   return <p>{members.length} here</p>;
 * }
 */
export function usePresence(uri: string): PresenceState {
  const client = useSynclineClient();
  // Nothing is asked of the client until the component mounts (server rendering calls no client).
  const channel = useMemo(() => {
    let presence: Presence | undefined;
    let failure: SynclineError | undefined;
    let members = NOBODY;
    let joined = false;
    const open = (): Presence | undefined => {
      if (presence || failure) return presence;
      try {
        presence = client.presence(uri);
      } catch (error) {
        failure = error instanceof SynclineError ? error : new SynclineError('internal', { detail: String(error), cause: error });
      }
      return presence;
    };
    const refused = (): Promise<never> => Promise.reject(failure ?? new SynclineError('unavailable', { detail: 'Presence is not available.' }));
    return {
      subscribe(listener: () => void): () => void {
        const here = open();
        if (!here) return () => {};
        members = here.members();
        return here.subscribe((now) => {
          members = now;
          listener();
        });
      },
      members: () => members,
      error: () => failure,
      join: (state: string, data?: PresenceData) => ((joined = true), open()?.join(state, data) ?? refused()),
      update: (state: string, data?: PresenceData) => ((joined = true), open()?.update(state, data) ?? refused()),
      leave: () => ((joined = false), open()?.leave() ?? refused()),
      // On unmount: only a component that announced itself takes the announcement back.
      release: () => {
        if (joined && presence) void presence.leave().catch(() => {});
        joined = false;
      },
    };
  }, [client, uri]);
  useEffect(() => () => channel.release(), [channel]);
  const members = useSyncExternalStore(channel.subscribe, channel.members, serverMembers);
  return { members, join: channel.join, update: channel.update, leave: channel.leave, error: channel.error() };
}
