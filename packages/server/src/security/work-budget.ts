import { systemClock } from '../clock.js';
import { addressGroup } from './address-group.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/**
 * Charges work a request asks for beyond itself (the distinct entries of a reconcile) to its
 * caller's budgets, all or nothing: 0 when granted, otherwise the milliseconds until it could
 * be, with nothing charged.
 */
export type WorkCharge = (units: number) => number;

/** One budget a charge draws on: how long `units` would wait, and spending them. */
export interface WorkMeter {
  waitMs(units: number): number;
  take(units: number): void;
}

/**
 * Charges `units` to every meter or to none.
 *
 * @example
 * const charge = chargeAll([connectionMeter, userMeter]);
 * if (charge(1000) > 0) refuse();
 */
export function chargeAll(meters: readonly WorkMeter[]): WorkCharge {
  return (units) => {
    const wait = Math.max(0, ...meters.map((meter) => meter.waitMs(units)));
    if (wait > 0) return wait;
    for (const meter of meters) meter.take(units);
    return 0;
  };
}

/** A meter over a token bucket, where each token buys `unitsPerToken` units. */
export function bucketMeter(bucket: TokenBucket, unitsPerToken = 1): WorkMeter {
  const tokens = (units: number): number => Math.ceil(units / unitsPerToken);
  return { waitMs: (units) => bucket.waitMs(tokens(units)), take: (units) => void bucket.take(tokens(units)) };
}

export interface WorkBudgetOptions {
  /** Units per second each signed-in user may spend; each client address, `addressFactor` times as many. */
  readonly perSecond: number;
  /** Units a user may spend at once before the rate applies (an address, `addressFactor` times as many). */
  readonly burst: number;
  /** How much more an address may spend than a user: several people may share one (an office behind NAT). Default 4. */
  readonly addressFactor?: number;
  /** Milliseconds: the server's clock. Default the system's. */
  readonly now?: () => number;
}

/** Budgets per user and per client address, shared by every connection and request of a process. */
export interface WorkBudget {
  /** The charge of one caller: its address's budget and, when signed in, its user's. */
  chargeFor(holder: { readonly address: string | undefined; readonly user: string | undefined }): WorkCharge;
  /** The meters of one caller, to combine with a connection's own. */
  metersFor(holder: { readonly address: string | undefined; readonly user: string | undefined }): WorkMeter[];
}

/** Buckets are forgotten once full again; the map is swept when it has grown past this. */
const SWEEP_AT = 1_000;

/**
 * Token buckets per user and per client address, so that what one caller may make the server
 * do does not grow with the connections or requests it opens. A bucket is forgotten once it is
 * full again, so memory follows the callers that spent recently.
 *
 * @example
 * const entries = createWorkBudget({ perSecond: 2000, burst: 10_000 });
 * const wait = entries.chargeFor({ address: '10.0.0.1', user: 'ana' })(1000); // 0: granted
 */
export function createWorkBudget(options: WorkBudgetOptions): WorkBudget {
  const factor = options.addressFactor ?? 4;
  const now = options.now ?? systemClock.now;
  const buckets = new Map<string, { bucket: TokenBucket; capacity: number }>();
  let sweepAt = SWEEP_AT;

  function bucketOf(key: string, perSecond: number, capacity: number): TokenBucket {
    let entry = buckets.get(key);
    if (entry === undefined) {
      if (buckets.size >= sweepAt) {
        for (const [other, { bucket, capacity: full }] of buckets) if (bucket.waitMs(full) === 0) buckets.delete(other);
        sweepAt = Math.max(SWEEP_AT, buckets.size * 2);
      }
      entry = { bucket: createTokenBucket(perSecond, capacity, now), capacity };
      buckets.set(key, entry);
    }
    return entry.bucket;
  }

  function metersFor(holder: { readonly address: string | undefined; readonly user: string | undefined }): WorkMeter[] {
    // Looked up at each charge, not kept: a bucket forgotten while full is made afresh (full) when needed.
    const addressMeter: WorkMeter = {
      waitMs: (units) => bucketOf(`a ${addressGroup(holder.address)}`, options.perSecond * factor, options.burst * factor).waitMs(units),
      take: (units) => void bucketOf(`a ${addressGroup(holder.address)}`, options.perSecond * factor, options.burst * factor).take(units),
    };
    if (holder.user === undefined) return [addressMeter];
    const user = holder.user;
    const userMeter: WorkMeter = {
      waitMs: (units) => bucketOf(`u ${user}`, options.perSecond, options.burst).waitMs(units),
      take: (units) => void bucketOf(`u ${user}`, options.perSecond, options.burst).take(units),
    };
    return [addressMeter, userMeter];
  }

  return {
    metersFor,
    chargeFor: (holder) => chargeAll(metersFor(holder)),
  };
}
