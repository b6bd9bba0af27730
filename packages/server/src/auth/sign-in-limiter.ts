import { SynclineError } from '@syncline/protocol';
import { waitOn, type Clock } from '../clock.js';
import type { AttemptLedger } from './attempt-ledger.js';

export interface SignInLimiterOptions {
  /** Failed sign-ins per (username, address) in a window before that pair is refused (429). */
  readonly maxFailures: number;
  /** Failed sign-ins from one address in a window, whatever the usernames, before it is refused (429). */
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  /** Failed sign-ins for one username, from every address, in a window before its sign-ins are spaced out. */
  readonly slowAfterFailures: number;
  /** The spacing: a username past `slowAfterFailures` has one password checked per interval. */
  readonly slowIntervalMs: number;
  readonly ledger: AttemptLedger;
  readonly clock: Clock;
}

/** One sign-in in progress: counted as a failure unless it is settled otherwise. */
export interface SignInAttempt {
  /** The password was right: the pair's failures are forgotten, and the address becomes known for the username. */
  succeeded(): void;
  /** The password was never checked (the server was too busy): nothing is counted. */
  abandoned(): void;
}

/**
 * Bounds online password guessing without letting a stranger lock anyone out. Refusals (429)
 * are keyed only on what the guesser controls: the (username, address) pair and the address
 * (IPv6 by /64, see `addressGroup`). A username guessed at from many addresses is never
 * refused, only slowed: one password check per `slowIntervalMs`, in turn, except from
 * addresses where it signed in successfully within the last 30 days, so its owner is not
 * made to wait behind the guessers. Each attempt is counted before its password is checked,
 * so parallel guesses cannot all slip in under the bound. In memory, per process.
 *
 * @example
 * const attempt = await limiter.begin('ana', '10.0.0.1'); // may throw 429, or wait its turn
 * if (await verifyPassword(password, hash)) attempt.succeeded();
 */
export interface SignInLimiter {
  begin(username: string, address: string): Promise<SignInAttempt>;
}

const KNOWN_MS = 30 * 24 * 60 * 60 * 1000;

function refuse(ms: number, detail: string): SynclineError {
  return new SynclineError('rate-limited', { detail, headers: { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) } });
}

export function createSignInLimiter(options: SignInLimiterOptions): SignInLimiter {
  const { ledger, clock, windowMs } = options;
  // Sign-ins held for their turn, per address: one at a time, so the wait stays bounded by the number of addresses.
  const waiting = new Map<string, number>();

  return {
    async begin(username, address) {
      const keys = { pair: `pair ${username} ${address}`, address: `address ${address}`, user: `user ${username}`, known: `known ${username} ${address}`, turn: `turn ${username}` };
      if (ledger.count(keys.pair) >= options.maxFailures) throw refuse(ledger.remainingMs(keys.pair), 'Too many failed sign-ins for this username from your address; try again later.');
      if (ledger.count(keys.address) >= options.maxFailuresPerAddress) throw refuse(ledger.remainingMs(keys.address), 'Too many failed sign-ins from your address; try again later.');
      const slowed = ledger.count(keys.user) >= options.slowAfterFailures && ledger.get(keys.known) === undefined;
      if (slowed && (waiting.get(address) ?? 0) > 0) throw refuse(options.slowIntervalMs, 'A sign-in from your address is already waiting; try again later.');

      // Counted before the check, so N parallel guesses count N at once.
      ledger.add(keys.pair, windowMs);
      ledger.add(keys.address, windowMs);
      ledger.add(keys.user, windowMs);
      let settled = false;
      const refundShared = (): void => {
        ledger.refund(keys.address);
        ledger.refund(keys.user);
      };
      const attempt: SignInAttempt = {
        succeeded() {
          if (settled) return;
          settled = true;
          ledger.delete(keys.pair);
          refundShared();
          ledger.set(keys.known, { count: 1, endsAt: clock.now() + KNOWN_MS });
        },
        abandoned() {
          if (settled) return;
          settled = true;
          ledger.refund(keys.pair);
          refundShared();
        },
      };
      if (!slowed) return attempt;

      // This username's turns come one per interval; the turn entry ends at the next free one.
      const now = clock.now();
      const turn = Math.max(now, ledger.get(keys.turn)?.endsAt ?? now);
      ledger.set(keys.turn, { count: 0, endsAt: turn + options.slowIntervalMs });
      waiting.set(address, (waiting.get(address) ?? 0) + 1);
      try {
        if (turn > now) await waitOn(clock, turn - now);
      } finally {
        const left = (waiting.get(address) ?? 1) - 1;
        if (left > 0) waiting.set(address, left);
        else waiting.delete(address);
      }
      return attempt;
    },
  };
}
