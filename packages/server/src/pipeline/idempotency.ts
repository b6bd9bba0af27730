import { createHash } from 'node:crypto';
import { IDEMPOTENCY_HEADERS, parseIdempotencyKey, SynclineError } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import type { Storage, StorageWriter, StoredOutcome } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { systemClock, type Clock } from '../clock.js';

/** The methods a key applies to (the draft's non-idempotent ones, and PUT/DELETE whose retries may meet changed preconditions). */
const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);


export interface IdempotencyOptions {
  readonly storage: Storage;
  /** How long a saved outcome answers retries (`SYNCLINE_IDEMPOTENCY_TTL_MS`). */
  readonly ttlMs: number;
  readonly reportError: (error: unknown, where: string) => void;
  /** The server's clock: when saved answers expire, and the sweep. Default the system's. */
  readonly clock?: Clock;
  /** How often expired outcomes are deleted. Default: a tenth of the TTL, between 1 s and 1 h. */
  readonly sweepMs?: number;
}

/** Runs writes under `Idempotency-Key`; see {@link createIdempotency}. */
export interface Idempotency {
  /**
   * Runs `dispatch` for `op`: directly when `op` carries no key or is not a write;
   * otherwise once per key, answering a retry from the saved outcome. `dispatch` gets
   * pipeline deps whose storage saves the outcome in the write's own transaction.
   */
  run(deps: PipelineDeps, op: Operation, dispatch: (deps: PipelineDeps) => Promise<Outcome>): Promise<Outcome>;
  /** Deletes expired outcomes now (the periodic sweep calls it); answers how many. */
  sweep(): Promise<number>;
  /** Stops the sweep. */
  close(): void;
}

/** One keyed operation, from the first look-up to its answer. */
interface KeyedOperation {
  readonly key: string;
  readonly fingerprint: string;
  answered: boolean;
}

/** Thrown inside a write transaction when the key turns out to be taken: the transaction rolls back and the saved answer is replayed. */
class KeyTaken extends Error {
  constructor(readonly stored: StoredOutcome) {
    super('The idempotency key was taken by another request');
  }
}

/** Which transaction belongs to which keyed operation: set by the guarded storage, read by {@link answerInTransaction}. */
const keyedTransactions = new WeakMap<StorageWriter, { operation: KeyedOperation; save: (outcome: Outcome) => Promise<void> }>();

/**
 * Saves `outcome` as the answer of the keyed operation that `tx` belongs to, in `tx`, so
 * it commits or rolls back with the write; nothing when the operation has no key. Write
 * paths call it inside their transaction with the answer they are about to give (`runWrite`
 * does it for any body that returns `outcome`). Failures (4xx, 5xx) are not saved.
 *
 * @example
 * await storage.write(async (tx) => { const outcome = …; await answerInTransaction(tx, outcome); return outcome; });
 */
export async function answerInTransaction(tx: StorageWriter, outcome: Outcome): Promise<void> {
  const keyed = keyedTransactions.get(tx);
  if (keyed === undefined) return;
  keyed.operation.answered = true;
  if (outcome.status < 400) await keyed.save(outcome);
}

/** The caller's scope: two callers' keys never meet. */
function scopeOf(context: RequestContext): string {
  if (context.principal !== undefined) return `principal:${context.principal.id}`;
  return context.transport === 'internal' ? 'internal' : 'anonymous';
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((name) => `${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The media type a body is read as: the socket may leave `content-type` out (JSON, or JSON
 * Merge Patch for PATCH), HTTP sends it, and parameters do not change the body; so a retry
 * that moves from the socket to HTTP is still the same request.
 */
function mediaTypeOf(op: Operation): string | null {
  if (op.body === undefined) return null;
  const given = op.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return given || (op.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
}

/** What makes two requests "the same request": method, URI, body, and the headers that change what a write does. */
function fingerprintOf(op: Operation): string {
  const header = (name: string) => op.headers[name]?.trim() ?? null;
  const material = [op.method, op.uri, op.body === undefined ? null : canonicalJson(op.body), header('if-match'), header('if-none-match'), mediaTypeOf(op)];
  return createHash('sha256').update(JSON.stringify(material)).digest('base64url');
}

function replay(stored: StoredOutcome, fingerprint: string): Outcome {
  if (stored.fingerprint !== fingerprint) {
    throw new SynclineError('idempotency-key-reused', { detail: 'This Idempotency-Key was used for a different request; use a new key for a new request.' });
  }
  const headers = { ...stored.headers, [IDEMPOTENCY_HEADERS.replayed]: 'true' };
  return stored.body === undefined ? { status: stored.status, headers } : { status: stored.status, headers, body: stored.body };
}

/**
 * Idempotent writes (IETF draft "The Idempotency-Key HTTP Header Field"), once for every
 * write path: a write carrying a key saves its answer in its own transaction, and a retry
 * with the same key and the same request gets that answer (with `idempotency-replayed:
 * true`) without the write running again. The same key with another request is 422; a
 * retry while the first is still running in this process is 409. Across processes the
 * key's row decides: the write transaction looks for it once it holds the write lock, and
 * a save that finds the key taken rolls the write back and replays the winner's answer.
 *
 * @example
 * const idempotency = createIdempotency({ storage, ttlMs: 86_400_000, reportError });
 * const outcome = await idempotency.run(deps, op, (keyedDeps) => dispatch(keyedDeps, op));
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const { ttlMs, reportError } = options;
  const clock = options.clock ?? systemClock;
  const inFlight = new Set<string>();
  const sweep = () => options.storage.trimOutcomes(clock.now());
  const sweepMs = options.sweepMs ?? Math.min(3_600_000, Math.max(1_000, Math.floor(ttlMs / 10)));
  const sweeping = clock.setInterval(() => {
    sweep().catch((error: unknown) => reportError(error, 'idempotency key sweep'));
  }, sweepMs);

  /** The storage a keyed operation writes through: every write transaction checks the key first and must answer before it commits. */
  function guardedStorage(storage: Storage, operation: KeyedOperation): Storage {
    const write: Storage['write'] = (fn) =>
      storage.write(async (tx) => {
        const now = clock.now();
        const taken = await tx.findOutcome(operation.key);
        if (taken !== undefined && taken.expiresAt > now) throw new KeyTaken(taken);
        keyedTransactions.set(tx, {
          operation,
          save: async (outcome) => {
            const saved = await tx.saveOutcome({ key: operation.key, fingerprint: operation.fingerprint, ...outcome, expiresAt: now + ttlMs }, now);
            if (saved) return;
            const winner = await tx.findOutcome(operation.key);
            if (winner === undefined) throw new Error('The idempotency key was neither saved nor found');
            throw new KeyTaken(winner);
          },
        });
        const result = await fn(tx);
        // A write path that commits without answering in its transaction would break the
        // promise that a key and its write commit together: refuse rather than commit.
        if (!operation.answered) throw new Error('A write under an Idempotency-Key must answer inside its transaction (answerInTransaction)');
        return result;
      });
    return Object.assign(Object.create(storage) as Storage, { write });
  }

  return {
    async run(deps, op, dispatch) {
      const raw = op.headers[IDEMPOTENCY_HEADERS.key];
      if (raw === undefined || !KEYED_METHODS.has(op.method)) return dispatch(deps);
      const clientKey = parseIdempotencyKey(raw);
      if (clientKey === undefined) {
        throw new SynclineError('bad-request', { detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a quoted string or a bare token).' });
      }
      const key = JSON.stringify([scopeOf(op.context), clientKey]);
      if (inFlight.has(key)) {
        throw new SynclineError('idempotency-key-in-flight', { detail: 'A request with this Idempotency-Key is still being processed; retry after it is answered.', headers: { 'retry-after': '1' } });
      }
      const fingerprint = fingerprintOf(op);
      inFlight.add(key);
      try {
        const stored = await deps.storage.read((tx) => tx.findOutcome(key));
        if (stored !== undefined && stored.expiresAt > clock.now()) return replay(stored, fingerprint);
        const operation: KeyedOperation = { key, fingerprint, answered: false };
        try {
          return await dispatch({ ...deps, storage: guardedStorage(deps.storage, operation) });
        } catch (error) {
          if (error instanceof KeyTaken) return replay(error.stored, fingerprint);
          throw error;
        }
      } finally {
        inFlight.delete(key);
      }
    },
    sweep,
    close: () => clock.clearInterval(sweeping),
  };
}
