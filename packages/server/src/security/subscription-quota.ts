import { SynclineError } from '@syncline/protocol';
import { addressGroup } from './address-group.js';

/** The bounds on what subscriptions may hold, across every connection and stream of one process. */
export interface SubscriptionQuotaLimits {
  /** Longest URI that may be subscribed to, in UTF-8 bytes (414 `uri-too-long` beyond). */
  readonly maxSubscriptionUriBytes: number;
  /** Subscriptions one client address may hold (429 beyond). */
  readonly maxSubscriptionsPerAddress: number;
  /** Bytes of subscribed URIs one client address may hold (429 beyond). */
  readonly maxSubscriptionBytesPerAddress: number;
  /** Subscriptions one signed-in user may hold, whatever their addresses (429 beyond). */
  readonly maxSubscriptionsPerUser: number;
  /** Bytes of subscribed URIs one signed-in user may hold (429 beyond). */
  readonly maxSubscriptionBytesPerUser: number;
}

/** Who holds a connection's subscriptions: its client address and, when signed in, its user. */
export interface SubscriptionHolder {
  readonly address: string | undefined;
  readonly user: string | undefined;
}

/** The subscriptions of one connection or stream, counted against its holder's share. */
export interface SubscriptionLedger {
  /** Throws 414 `uri-too-long` when `uri` is longer than a subscription's may be (for other requests that keep a URI, such as a presence announcement). */
  checkUri(uri: string): void;
  /** Counts subscription `key` of `uri`; throws 414 `uri-too-long` or 429 `rate-limited`, counting nothing, when a bound is passed. */
  hold(key: string, uri: string): void;
  /** Frees what `key` holds (nothing when it holds nothing, so a second call is harmless). */
  release(key: string): void;
  /** Frees everything it holds: the connection or stream ended. */
  releaseAll(): void;
}

/** What an address or a user holds now. */
export interface SubscriptionUsage {
  readonly count: number;
  readonly bytes: number;
}

export interface SubscriptionQuota {
  open(holder: SubscriptionHolder): SubscriptionLedger;
  usage(of: { address: string } | { user: string }): SubscriptionUsage;
}

const NONE: SubscriptionUsage = { count: 0, bytes: 0 };

/**
 * Bounds the subscriptions (socket, event stream and presence alike) that one client address
 * and one user hold across all of their connections, by number and by the bytes of their URIs:
 * the memory a subscription costs grows with its URI (the URI, its parsed filter, its group).
 * Without it, the per-connection bound times the per-address connection bound lets one address
 * hold millions of subscriptions.
 *
 * @example
 * const quota = createSubscriptionQuota(DEFAULT_LIMITS);
 * const ledger = quota.open({ address: '10.0.0.1', user: 'ana' });
 * ledger.hold('s1', '/todos?list=…'); // throws SynclineError 429 past a bound
 * ledger.releaseAll();                 // the socket closed
 */
export function createSubscriptionQuota(limits: SubscriptionQuotaLimits): SubscriptionQuota {
  const tallies = new Map<string, { count: number; bytes: number }>();

  function add(key: string, count: number, bytes: number): void {
    const tally = tallies.get(key) ?? { count: 0, bytes: 0 };
    tally.count += count;
    tally.bytes += bytes;
    if (tally.count <= 0) tallies.delete(key);
    else tallies.set(key, tally);
  }

  /** Refuses one more subscription of `bytes` on the tally `key` past `bound` (`who` names it in the message). */
  function check(key: string, bytes: number, bound: { readonly maxCount: number; readonly maxBytes: number; readonly who: string }): void {
    const { maxCount, maxBytes, who } = bound;
    const tally = tallies.get(key) ?? NONE;
    if (tally.count + 1 > maxCount) {
      throw new SynclineError('rate-limited', { detail: `At most ${maxCount} subscriptions per ${who}; unsubscribe from some first.` });
    }
    if (tally.bytes + bytes > maxBytes) {
      throw new SynclineError('rate-limited', { detail: `At most ${maxBytes} bytes of subscribed URIs per ${who}; unsubscribe from some first.` });
    }
  }

  return {
    open(holder) {
      const addressTally = `a ${addressGroup(holder.address)}`;
      const userTally = holder.user === undefined ? undefined : `u ${holder.user}`;
      const held = new Map<string, number>();
      const release = (key: string): void => {
        const bytes = held.get(key);
        if (bytes === undefined) return;
        held.delete(key);
        add(addressTally, -1, -bytes);
        if (userTally !== undefined) add(userTally, -1, -bytes);
      };
      const checkUri = (uri: string): number => {
        const bytes = Buffer.byteLength(uri);
        if (bytes > limits.maxSubscriptionUriBytes) {
          throw new SynclineError('uri-too-long', { detail: `A subscribed URI is at most ${limits.maxSubscriptionUriBytes} bytes; this one is ${bytes}.` });
        }
        return bytes;
      };
      return {
        checkUri(uri) {
          checkUri(uri);
        },
        hold(key, uri) {
          const bytes = checkUri(uri);
          release(key);
          check(addressTally, bytes, { maxCount: limits.maxSubscriptionsPerAddress, maxBytes: limits.maxSubscriptionBytesPerAddress, who: 'client address' });
          if (userTally !== undefined) check(userTally, bytes, { maxCount: limits.maxSubscriptionsPerUser, maxBytes: limits.maxSubscriptionBytesPerUser, who: 'user' });
          held.set(key, bytes);
          add(addressTally, 1, bytes);
          if (userTally !== undefined) add(userTally, 1, bytes);
        },
        release,
        releaseAll() {
          for (const key of [...held.keys()]) release(key);
        },
      };
    },
    usage(of) {
      const key = 'address' in of ? `a ${addressGroup(of.address)}` : `u ${of.user}`;
      const tally = tallies.get(key) ?? NONE;
      return { count: tally.count, bytes: tally.bytes };
    },
  };
}
