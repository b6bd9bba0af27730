import { isSynclineError, problemSchema, SynclineError } from '@syncline/protocol';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { backoffDelay, type BackoffOptions } from '../connection/connection-state.js';
import { etagOfVersion } from '../live/live-record.js';
import { expectSuccess, isRecord, retryAfterMs, type JsonRecord } from '../requests/answers.js';
import type { IncomingResponse, OutgoingRequest, Transport } from '../requests/transport.js';
import { settleConflict } from './conflict-settlement.js';
import type { PendingWrite } from './offline-types.js';
import type { ReplicaCore } from './replica-core.js';

export interface SenderOptions extends BackoffOptions {
  readonly core: ReplicaCore;
  readonly transport: Transport;
  /** Runs reconciliation (on start and after every lost connection) before anything is sent. */
  readonly reconcile: () => Promise<void>;
  /** Failures other than an unreachable server (a persistence that fails, a malformed answer): reported, then retried. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** The clock of the retries. Default the system's. */
  readonly clock?: Clock | undefined;
}

/** The one sender of the outbox (in the tab holding the outbox lock). */
export interface Sender {
  /** Sends what waits, unless a send is under way (it then goes on to the new writes). */
  kick(): void;
  /** The connection was lost: reconcile before the next send. */
  lost(): void;
  stop(): void;
}

type Step = { readonly kind: 'next' } | { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'offline' };

/**
 * Sends the outbox in order, one write at a time, each with its idempotency key (the same
 * on every retry) and the `If-Match` of the version it was made against, fixed at its first
 * send unless a pushed version pinned it earlier, and persisted before it leaves:
 *
 * | answer | what happens |
 * |---|---|
 * | 2xx (a replay too) | removed from the outbox; the server's version becomes the base (after a replay, read again) |
 * | no answer (network, timeout, socket closed), 401 | kept; reconcile and retry after reconnecting |
 * | 429, 409 key in flight, 5xx | kept; retried after `Retry-After` or a backoff |
 * | 412 | conflict: the current version is read and the policy settles it |
 * | 404 | `DELETE`: done already; otherwise an edit against a delete (conflict) |
 * | other 4xx | dropped, rolled back, the call rejects with the reason |
 *
 * @example
 * const sender = createSender({ core, transport, reconcile });
 * sender.kick();
 */
export function createSender(options: SenderOptions): Sender {
  const { core, transport } = options;
  let running = false;
  let again = false;
  let stopped = false;
  let needsReconcile = true;
  let failures = 0;
  let timer: TimerHandle | undefined;
  const clock = options.clock ?? systemClock;

  const later = (ms: number): void => {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(() => sender.kick(), ms);
  };
  const loop = async (): Promise<void> => {
    while (!stopped) {
      if (needsReconcile) {
        await options.reconcile();
        if (stopped) return;
        needsReconcile = false;
        core.outbox.setReachable(true);
      }
      const write = core.outbox.first();
      if (!write) return;
      const fixed = await fixPrecondition(write);
      // Closed meanwhile (the tab handed the outbox on): the next sender sends it, never this one too.
      if (stopped) return;
      const step = await sendOne(fixed);
      if (step.kind === 'offline') throw new SynclineError('unavailable', { detail: 'No answer from the server.' });
      if (step.kind === 'wait') return later(step.ms);
      failures = 0;
    }
  };
  const fixPrecondition = (write: PendingWrite): Promise<PendingWrite> =>
    core.serial(async () => {
      const current = core.outbox.get(write.key) ?? write;
      if (current.create || current.ifMatch !== undefined) return current;
      const entry = core.store.get(write.uri);
      const fixed: PendingWrite = { ...current, ifMatch: entry?.etag ?? null, base: entry?.base ?? null };
      core.outbox.put(fixed);
      await core.persistence.commit({ putWrites: [fixed] });
      return fixed;
    });
  const sendOne = async (write: PendingWrite): Promise<Step> => {
    const headers: Record<string, string> = { ...write.headers, 'idempotency-key': write.key };
    if (write.create) headers['if-none-match'] = '*';
    else if (write.ifMatch) headers['if-match'] = write.ifMatch;
    const request: OutgoingRequest = write.body === undefined ? { method: write.method, resource: write.uri, headers } : { method: write.method, resource: write.uri, headers, body: write.body };
    let response: IncomingResponse;
    try {
      response = await transport.request(request);
    } catch {
      return { kind: 'offline' };
    }
    core.outbox.setReachable(true);
    if (response.status < 300) {
      await core.serial(() => acknowledge(write, response));
      // A replayed answer is as old as the first attempt: the record may have moved since.
      if (response.headers['idempotency-replayed'] === 'true') await refetch(write.uri);
      return { kind: 'next' };
    }
    if (response.status === 401) return { kind: 'offline' };
    if (response.status === 429 || response.status === 409 && problemCode(response) === 'idempotency-key-in-flight' || response.status >= 500) {
      return { kind: 'wait', ms: retryAfterMs(response) ?? backoffDelay(++failures + 1, options) };
    }
    if (response.status === 404 && write.method === 'DELETE') return core.serial(() => acknowledge(write, { status: 204, headers: {} })).then(() => ({ kind: 'next' }));
    if (response.status === 412 || response.status === 404) return conflict(write);
    await core.serial(async () => refuse(write, errorOf(response)));
    return { kind: 'next' };
  };
  const conflict = async (write: PendingWrite): Promise<Step> => {
    let current: IncomingResponse;
    try {
      current = await transport.request({ method: 'GET', resource: write.uri });
    } catch {
      return { kind: 'offline' };
    }
    if (current.status !== 200 && current.status !== 404) return { kind: 'wait', ms: backoffDelay(++failures + 1, options) };
    const server = current.status === 200 && isRecord(current.body) ? current.body : null;
    const serverEtag = server ? (current.headers['etag'] ?? etagOfVersion(server['version'])) : null;
    await core.serial(() => settleConflict(core, { uri: write.uri, base: write.base ?? null, server, serverEtag }));
    return { kind: 'next' };
  };
  const refetch = async (uri: string): Promise<void> => {
    const current = await transport.request({ method: 'GET', resource: uri }).catch(() => undefined);
    // A read, as a pushed change: through the store, so the URI's next write, not yet sent,
    // stays pinned to the version it was made on. Moving the base under it would send it
    // against the version read (none, when the record was deleted meanwhile), and a patch of
    // no version is nothing: it would be acknowledged as deleted instead of meeting its policy.
    if (current?.status === 404) core.store.applyServer(uri, null, null);
    else if (current?.status === 200 && isRecord(current.body)) core.store.applyServer(uri, current.headers['etag'] ?? etagOfVersion(current.body['version']), current.body);
    else return;
    await core.serial(() => core.commit({}, [uri]));
  };
  const acknowledge = async (write: PendingWrite, response: IncomingResponse): Promise<void> => {
    const record = isRecord(response.body) && write.method !== 'DELETE' ? response.body : null;
    core.outbox.remove([write.key]);
    core.setBase(write.uri, record, record ? (response.headers['etag'] ?? etagOfVersion(record['version'])) : null);
    core.show(write.uri);
    await core.commit({ deleteWrites: [write.key] }, [write.uri]);
    core.settle(write, { record });
  };
  const refuse = async (write: PendingWrite, error: SynclineError): Promise<void> => {
    core.outbox.remove([write.key]);
    core.show(write.uri);
    await core.commit({ deleteWrites: [write.key] }, [write.uri]);
    core.reject(write, error);
  };

  const sender: Sender = {
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      clock.clearTimeout(timer);
      running = true;
      again = false;
      loop().then(
        () => {
          running = false;
          if (again) sender.kick();
        },
        (error: unknown) => {
          // No answer: reconcile once the server is back (the connection's `open`, or a backoff).
          if (!isSynclineError(error) || error.code !== 'unavailable') options.onError?.(error);
          else core.outbox.setReachable(false);
          running = false;
          needsReconcile = true;
          if (stopped) return;
          // Kicked meanwhile (the connection came back): try again now, not after a backoff.
          if (again) sender.kick();
          else later(backoffDelay(++failures + 1, options));
        },
      );
    },
    lost() {
      needsReconcile = true;
    },
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
  return sender;
}

function problemCode(response: IncomingResponse): string | undefined {
  const problem = problemSchema.safeParse(response.body);
  return problem.success ? problem.data.code : undefined;
}


function errorOf(response: IncomingResponse): SynclineError {
  try {
    expectSuccess(response);
  } catch (error) {
    if (isSynclineError(error)) return error;
  }
  return new SynclineError('bad-request', { detail: `Unexpected status ${response.status}.` });
}
