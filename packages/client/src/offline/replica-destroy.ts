import { SynclineError } from '@syncline/protocol';
import { systemClock, type Clock } from '../clock.js';
import type { ReplicaStore } from '../store/replica-store.js';
import type { OutboxView } from './outbox.js';

/** `client.destroy(options)`: what becomes of the writes still waiting. */
export interface DestroyOptions {
  /**
   * `'send'` (default): send the writes waiting in the outbox first, for at most `timeoutMs`;
   * when they cannot all be sent (the server is out of reach, or conflicts are held for the
   * user), refuse with an {@link UnsentWritesError} and delete nothing. `'discard'`: delete
   * them with the rest (their calls reject).
   */
  readonly pending?: 'send' | 'discard';
  /** How long `'send'` waits for the outbox to empty. Default 5 s. */
  readonly timeoutMs?: number;
}

/** How long `destroy` waits for the outbox by default. */
export const DESTROY_TIMEOUT_MS = 5_000;

/**
 * `client.destroy()` refused: writes wait that the server has not acknowledged, or conflicts
 * are held for the user, and deleting the replica would lose them. Nothing was deleted and
 * the client goes on. Ask the user, then call `destroy({ pending: 'discard' })` or try later.
 *
 * @example
 * try {
 *   await client.destroy();
 * } catch (error) {
 *   if (error instanceof UnsentWritesError && confirm(`Discard ${error.waiting} changes?`)) await client.destroy({ pending: 'discard' });
 * }
 */
export class UnsentWritesError extends SynclineError {
  /** Writes still in the outbox. */
  readonly waiting: number;
  /** Conflicts held for the user (their local versions would be lost too). */
  readonly conflicts: number;

  constructor(options: { readonly waiting: number; readonly conflicts: number; readonly timeoutMs: number }) {
    const held = options.conflicts === 0 ? '' : `${options.waiting === 0 ? '' : ' and '}${count(options.conflicts, 'conflict')} held for the user`;
    const waiting = options.waiting === 0 ? '' : `${count(options.waiting, 'write')} not sent within ${options.timeoutMs} ms`;
    super('conflict', { detail: `The replica was not deleted: ${waiting}${held} would be lost. Call destroy({ pending: 'discard' }) to delete them anyway.` });
    this.name = 'UnsentWritesError';
    this.waiting = options.waiting;
    this.conflicts = options.conflicts;
  }
}

/**
 * Waits until the outbox is empty (true) or `timeoutMs` passes (false). `kick` asks for a
 * send now, so a sender waiting for its backoff does not make the caller wait as well.
 *
 * @example
 * if (!(await outboxEmptied({ outbox, kick: () => sender.kick(), timeoutMs: 5_000 }))) throw …;
 */
export function outboxEmptied(options: { readonly outbox: OutboxView; readonly kick: () => void; readonly timeoutMs: number; readonly clock?: Clock }): Promise<boolean> {
  const { outbox } = options;
  const clock = options.clock ?? systemClock;
  if (outbox.size() === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (emptied: boolean): void => {
      clock.clearTimeout(timer);
      stop();
      resolve(emptied);
    };
    const timer = clock.setTimeout(() => finish(false), options.timeoutMs);
    const stop = outbox.subscribe((size) => void (size === 0 && finish(true)));
    options.kick();
  });
}

/** Forgets every entry of the store, so nothing of the replica stays in memory either. */
export function clearStore(store: ReplicaStore): void {
  for (const entry of [...store.entries()]) store.delete(entry.uri);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
