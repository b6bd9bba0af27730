import { presenceTarget, presenceUri, type Downstream } from '@syncline/protocol';
import type { Connection } from '../connection/connection.js';
import type { RequestTracker } from '../requests/request-tracker.js';
import { createPresenceChannel, type Presence, type PresenceChannel } from './presence-channel.js';

/** Every presence channel of one client, over its socket. */
export interface PresencePool {
  /** The channel of a record or collection URI (or of its presence URI): one per URI, shared. */
  open(uri: string): Presence;
  /** Hands a frame in; answers whether it was a presence event. */
  receive(frame: Downstream): boolean;
}

/**
 * Presence channels keyed by presence URI, told when the socket opens and is lost, and
 * handed the `presence` events. Presence needs the socket: its requests wait for it.
 *
 * @example
 * const pool = createPresencePool({ connection, tracker });
 * const here = pool.open('/lists/42'); // the channel of /lists/42/presence
 */
export function createPresencePool(options: { readonly connection: Connection; readonly tracker: RequestTracker; readonly onError?: ((error: unknown) => void) | undefined }): PresencePool {
  const channels = new Map<string, PresenceChannel>();
  let next = 1;
  const nextId = (): string => `presence-${next++}`;
  const onError = options.onError ?? (() => {});
  options.connection.onStateChange((state) => {
    for (const channel of channels.values()) {
      if (state.kind === 'open') channel.reopen();
      else channel.lost();
    }
  });
  return {
    open(uri) {
      const presence = presenceTarget(uri) === undefined ? presenceUri(uri) : uri;
      let channel = channels.get(presence);
      if (channel === undefined) {
        channel = createPresenceChannel(presence, options.tracker, nextId, onError);
        channels.set(presence, channel);
      }
      return channel;
    },
    receive(frame) {
      if (!('event' in frame) || frame.event !== 'presence') return false;
      for (const channel of channels.values()) if (channel.receive(frame)) return true;
      return true;
    },
  };
}
