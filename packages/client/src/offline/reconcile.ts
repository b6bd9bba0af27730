import { reconcileResponseSchema, SynclineError, type ReconcileAnswer as WireAnswer } from '@syncline/protocol';
import { systemClock, type Clock } from '../clock.js';
import { expectSuccess, isRecord, retryAfterMs } from '../requests/answers.js';
import type { IncomingResponse, OutgoingRequest, Transport } from '../requests/transport.js';
import { settleConflict } from './conflict-settlement.js';
import { classify } from './reconcile-table.js';
import type { ReplicaCore } from './replica-core.js';

/** Entries per `POST /_reconcile` (the server's default limit). */
export const RECONCILE_BATCH = 1000;

/** Times one request is sent while the server answers 429, before the reconcile gives up (the sender retries it later). */
const RATE_LIMITED_ATTEMPTS = 5;
/** The longest `Retry-After` waited for within one reconcile. */
const MAX_RETRY_WAIT_MS = 30_000;

/**
 * One entry of a `/_reconcile` answer (protocol.md, "Reconcile"), as the protocol's schema
 * parses it; `other` stands for a conditional `GET` answered otherwise (a server without
 * reconcile), which leaves the entry as it is.
 */
export type ReconcileAnswer = WireAnswer | { readonly uri: string; readonly status: 'other' };

/**
 * Reconciles every replica entry, dirty or not, with one `POST /_reconcile` per 1,000
 * entries, then applies the reconcile table (docs/design-notes.md) to each (`classify`): `create` and `ok` are left
 * to the sender; `noop` does nothing; `redownload` takes the answer's version (a 404 removes
 * the entry); `conflict` goes to the policy with the answer's version, except when the
 * URI's first write may already have been applied (it was sent and its answer lost): its
 * retry with the same idempotency key tells, and a 412 then leads to the policy.
 * A request answered 429 (the server charges reconcile entries against a budget) is sent again
 * after its `Retry-After`, so the chunks already applied are not asked for again.
 * Throws (the sender retries later) when the server cannot be reached. A server whose
 * capabilities (`hello`, `GET /_syncline`) leave out `reconcile` is asked with one conditional
 * `GET` per entry instead; one that never said what it offers is probed (a 404 or 405 to the
 * `POST` then means the same).
 *
 * @example
 * await reconcile(core, transport); // one round trip for the whole replica
 */
export async function reconcile(core: ReplicaCore, transport: Transport, clock: Clock = systemClock): Promise<void> {
  const uris = [...new Set([...[...core.store.entries()].map((entry) => entry.uri), ...core.outbox.all().map((write) => write.uri)])];
  for (let start = 0; start < uris.length; start += RECONCILE_BATCH) {
    const chunk = uris.slice(start, start + RECONCILE_BATCH);
    const sent = chunk.map((uri) => ({ uri, etag: core.store.get(uri)?.etag ?? null }));
    const answers = await ask(transport, sent, clock);
    await core.serial(async () => {
      for (const [index, answer] of answers.entries()) {
        const asked = sent[index];
        if (asked === undefined || answer.uri !== asked.uri) throw new SynclineError('internal', { detail: `The reconcile answer ${index} is not for ${asked?.uri}.` });
        await apply(core, asked.etag, answer);
      }
      await core.commit({}, chunk);
    });
  }
}

async function apply(core: ReplicaCore, etag: string | null, answer: ReconcileAnswer): Promise<void> {
  const { uri } = answer;
  const writes = core.outbox.forUri(uri);
  const entry = core.store.get(uri);
  // A 401 (a signed-in resource asked anonymously) says nothing of the record: the entry stays as it is.
  if (answer.status === 'other' || answer.status === 401) return;
  const serverEtag = answer.status === 404 ? null : answer.etag;
  const server = answer.status === 200 ? answer.body : answer.status === 304 ? (entry?.base ?? null) : null;
  const created = writes[0]?.create === true && etag === null;
  switch (classify({ etag, dirty: writes.length > 0, created }, serverEtag)) {
    case 'create':
    case 'ok':
    case 'noop':
      return;
    case 'redownload':
      return core.setBase(uri, server, serverEtag);
    case 'conflict': {
      const first = writes[0];
      if (first !== undefined && first.ifMatch !== undefined) return core.setBase(uri, server, serverEtag);
      return settleConflict(core, { uri, base: entry?.base ?? null, server, serverEtag });
    }
  }
}

type Asked = readonly { readonly uri: string; readonly etag: string | null }[];

/** One `POST /_reconcile`, or conditional GETs from a server without it (by its capabilities, or by probing when it never said). */
async function ask(transport: Transport, sent: Asked, clock: Clock): Promise<ReconcileAnswer[]> {
  const offered = await transport.capabilities?.();
  if (offered !== undefined && !offered.includes('reconcile')) return askEach(transport, sent, clock);
  const response = await patiently(transport, { method: 'POST', resource: '/_reconcile', body: { entries: sent } }, clock);
  // Only a server that never said what it offers is probed: for one that did, a 404 is an error.
  if (offered === undefined && (response.status === 404 || response.status === 405)) return askEach(transport, sent, clock);
  return answersOf(expectSuccess(response).body, sent.length);
}

/** One conditional `GET` per entry. */
async function askEach(transport: Transport, sent: Asked, clock: Clock): Promise<ReconcileAnswer[]> {
  const answers: ReconcileAnswer[] = [];
  for (const { uri, etag } of sent) {
    const current = await patiently(transport, { method: 'GET', resource: uri, ...(etag === null ? {} : { headers: { 'if-none-match': etag } }) }, clock);
    const currentEtag = current.headers['etag'] ?? etag;
    if (current.status === 304 && currentEtag !== null) answers.push({ uri, status: 304, etag: currentEtag });
    else if (current.status === 200 && isRecord(current.body) && currentEtag !== null) answers.push({ uri, status: 200, etag: currentEtag, body: current.body });
    else if (current.status === 404) answers.push({ uri, status: 404 });
    else if (current.status >= 500 || current.status === 429) expectSuccess(current);
    else answers.push({ uri, status: 'other' });
  }
  return answers;
}

/** Sends a request, and again after its `Retry-After` while it is answered 429 (a few times at most). */
async function patiently(transport: Transport, request: OutgoingRequest, clock: Clock): Promise<IncomingResponse> {
  for (let attempt = 1; ; attempt++) {
    const response = await transport.request(request);
    if (response.status !== 429 || attempt === RATE_LIMITED_ATTEMPTS) return response;
    const ms = Math.min(retryAfterMs(response) ?? 1000, MAX_RETRY_WAIT_MS);
    await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  }
}

/**
 * The answers of a `POST /_reconcile`, parsed with the protocol's schema: an answer that is
 * not one (a member missing, an unknown status, fewer entries than asked) is an `internal`
 * error naming what is wrong, and nothing of it is applied.
 */
export function answersOf(body: unknown, expected: number): ReconcileAnswer[] {
  const parsed = reconcileResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the body' : issue.path.map(String).join('.');
    throw new SynclineError('internal', { detail: `The reconcile answer is malformed at ${where}: ${issue?.message ?? 'not an answer'}.` });
  }
  const { entries } = parsed.data;
  if (entries.length !== expected) throw new SynclineError('internal', { detail: `The reconcile answer lists ${entries.length} entries for the ${expected} asked for.` });
  return entries;
}
