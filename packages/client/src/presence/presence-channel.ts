import { presenceSetSchema, SynclineError, type PresenceData, type PresenceEvent, type PresenceMember, type PresenceOp } from '@syncline/protocol';
import { expectSuccess } from '../requests/answers.js';
import type { RequestTracker } from '../requests/request-tracker.js';

/** What a presence listener is told: the members now, and the change that made them (absent for a fresh list). */
export interface PresenceChange {
  readonly op: PresenceOp;
  readonly member: PresenceMember;
}
export type PresenceListener = (members: readonly PresenceMember[], change?: PresenceChange) => void;

/**
 * Presence at one URI: announce this connection, and watch who else is there. It outlives
 * sockets: after a reconnect it announces again (the server forgot the old connection)
 * and subscribes again (the answer replaces the list).
 *
 * @example
 * const here = client.presence(`/todos/${id}`);
 * here.subscribe((members) => render(members.filter((m) => m.state === 'editing')));
 * await here.join('editing', { field: 'title' });
 * await here.leave();
 */
export interface Presence {
  /** The presence URI: `/todos/42/presence`. */
  readonly uri: string;
  /** Announces this connection with a state (`viewing`, `editing`…) and small data; rejects with the server's SynclineError. */
  join(state: string, data?: PresenceData): Promise<void>;
  /** Changes this connection's state and data (the same as `join`). */
  update(state: string, data?: PresenceData): Promise<void>;
  /** Leaves; nothing is announced again after a reconnect. */
  leave(): Promise<void>;
  /** Who is there, as last heard (empty until subscribed). */
  members(): readonly PresenceMember[];
  /** Watches the members; the first listener subscribes, the last one to stop unsubscribes. */
  subscribe(listener: PresenceListener): () => void;
}

/** The channel as its pool drives it. */
export interface PresenceChannel extends Presence {
  /** A socket opened: announce and subscribe again where needed. */
  reopen(): void;
  /** The socket was lost: the subscription is gone with it. */
  lost(): void;
  /** An event for one of this channel's subscriptions; false when the id is not its current one. */
  receive(event: PresenceEvent): boolean;
}

const keyOf = (member: PresenceMember): string => (member.user === null ? `connection ${member.connection ?? ''}` : `user ${member.user}`);

/**
 * One presence URI's state on the client: what this connection announced, the
 * subscription, and the members list kept from the SUBSCRIBE answer and the events.
 */
export function createPresenceChannel(uri: string, tracker: RequestTracker, nextId: () => string, onError: (error: unknown) => void): PresenceChannel {
  const listeners = new Set<PresenceListener>();
  let members: PresenceMember[] = [];
  let mine: { state: string; data: PresenceData | undefined } | undefined;
  let writesInFlight = 0;
  let subscription: string | undefined;

  const notify = (change?: PresenceChange): void => {
    for (const listener of [...listeners]) {
      try {
        listener(members, change);
      } catch (error) {
        onError(error);
      }
    }
  };

  const write = async (method: 'PUT' | 'DELETE', body?: unknown): Promise<void> => {
    writesInFlight++;
    try {
      expectSuccess(await tracker.request(body === undefined ? { method, resource: uri } : { method, resource: uri, body }));
    } finally {
      writesInFlight--;
    }
  };
  const announce = (state: string, data: PresenceData | undefined): Promise<void> => {
    mine = { state, data };
    return write('PUT', data === undefined ? { state } : { state, data });
  };

  const subscribeNow = (): void => {
    const id = nextId();
    subscription = id;
    tracker.send({ method: 'SUBSCRIBE', resource: uri }, {
      onResponse(response) {
        if (subscription !== id) return;
        try {
          const set = presenceSetSchema.safeParse(expectSuccess(response).body);
          if (!set.success) throw new SynclineError('internal', { detail: `Expected {"members": [...]} in the answer to SUBSCRIBE ${uri}.` });
          members = set.data.members;
          notify();
        } catch (error) {
          subscription = undefined;
          onError(error);
        }
      },
      // The socket was lost before the answer: the next socket subscribes again.
      onError: () => {
        if (subscription === id) subscription = undefined;
      },
    }, { id });
  };
  const unsubscribeNow = (): void => {
    if (subscription === undefined) return;
    const id = subscription;
    subscription = undefined;
    tracker.send({ method: 'UNSUBSCRIBE', resource: uri, headers: { 'syncline-subscription': id } }, { onResponse: () => {}, onError: () => {} });
  };

  return {
    uri,
    join: announce,
    update: announce,
    leave() {
      mine = undefined;
      return write('DELETE');
    },
    members: () => members,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) subscribeNow();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) unsubscribeNow();
      };
    },
    reopen() {
      // A write still queued goes out on this socket by itself; one lost with the old socket has failed.
      if (mine !== undefined && writesInFlight === 0) announce(mine.state, mine.data).catch(onError);
      if (listeners.size > 0 && subscription === undefined) subscribeNow();
    },
    lost() {
      subscription = undefined;
    },
    receive(event) {
      if (String(event.subscription) !== subscription) return false;
      const key = keyOf(event.member);
      const others = members.filter((member) => keyOf(member) !== key);
      members = event.op === 'leave' ? others : [...others, event.member].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
      notify({ op: event.op, member: event.member });
      return true;
    },
  };
}
