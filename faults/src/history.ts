import type { Change, Storage } from '@syncline/server';
import { faultResources } from './fault-resources.js';

/** A write the server acknowledged: the record's id, what it wrote, and the version it answered. */
export interface AckedWrite {
  readonly id: string;
  readonly writer: string;
  readonly n: number;
  readonly version: number;
}

/** What one live subscriber saw, kept by `LiveSubscriber`. */
export interface SubscriberRecord {
  /** The position its first SUBSCRIBE answered (`syncline-seq`). */
  startSeq: number;
  /** Every change event's `seq`, in arrival order (duplicates are kept out, and listed). */
  readonly seqs: number[];
  /** Record id → the version its last event carried (deleted ones removed). */
  readonly replica: Map<string, number>;
  readonly closeCodes: number[];
  resumes: number;
  resets: number;
  /** Missing ranges `[from, to]` between two consecutive events. */
  readonly gaps: Array<[number, number]>;
  readonly duplicates: number[];
  lastEventAt: number;
}

/** The checker's verdict, with the figures a scenario reports. */
export interface HistoryVerdict {
  readonly acknowledged: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly logHead: number;
  /** Every guarantee that did not hold, in words (empty when all held). */
  readonly violations: string[];
}

/**
 * Reads the whole change log (in batches) from storage: the truth the history is checked against.
 *
 * @example
 * const log = await readChangeLog(storage);
 */
export async function readChangeLog(storage: Storage): Promise<Change[]> {
  await storage.migrate(faultResources);
  const log: Change[] = [];
  for (;;) {
    const batch = await storage.changesSince(log.at(-1)?.seq ?? 0, 5000);
    log.push(...batch);
    if (batch.length < 5000) return log;
  }
}

/**
 * Checks a history after a fault and its recovery against the change log and the stored records:
 * - the log is gapless (positions 1..head, each once);
 * - every acknowledged write is there: a change of that record at the acknowledged version
 *   holding the written value, and the stored record is the log's last state of it;
 * - nothing is applied twice: each (writer, n) value enters the log once;
 * - each subscriber saw every position after its start exactly once, in order, up to the head,
 *   and its replica equals the stored state.
 *
 * @example
 * const verdict = await checkHistory({ storage, acked, subscribers: subscribers.map((s) => s.record) });
 * expect(verdict.violations).toEqual([]);
 */
export async function checkHistory(input: { storage: Storage; acked: readonly AckedWrite[]; subscribers: readonly SubscriberRecord[] }): Promise<HistoryVerdict> {
  const log = await readChangeLog(input.storage);
  const violations: string[] = [];
  const head = log.at(-1)?.seq ?? 0;
  log.forEach((change, index) => {
    if (change.seq !== index + 1) violations.push(`log: position ${index + 1} holds seq ${change.seq}`);
  });
  const byPosition = new Map(log.map((change) => [`${change.id}@${change.seq}`, change]));
  const last = new Map<string, Change>();
  const firstSeen = new Map<string, number>();
  const applied = new Map<string, number>();
  for (const change of log) {
    last.set(change.id, change);
    if (!firstSeen.has(change.id)) firstSeen.set(change.id, change.seq);
    const after = change.after;
    // A value is applied when a change brings it in: a create, or an update that changed n.
    if (after !== null && (change.before === null || change.before['n'] !== after['n'])) {
      const key = `${String(after['writer'])}#${String(after['n'])}`;
      applied.set(key, (applied.get(key) ?? 0) + 1);
    }
  }
  let lost = 0;
  for (const write of input.acked) {
    const change = byPosition.get(`${write.id}@${write.version}`);
    if (!change || change.after?.['n'] !== write.n || change.after['writer'] !== write.writer) {
      lost++;
      if (lost <= 5) violations.push(`lost: ${write.writer}#${write.n} acknowledged at version ${write.version} is not in the log`);
    }
  }
  const duplicated = [...applied.values()].filter((count) => count > 1).length;
  for (const [key, count] of applied) if (count > 1 && violations.length < 20) violations.push(`duplicated: ${key} applied ${count} times`);
  const stored = await input.storage.read(async (tx) => {
    const records = new Map<string, number>();
    for (const id of last.keys()) {
      const record = await tx.get('entries', id);
      if (record) records.set(id, record.version);
    }
    return records;
  });
  for (const [id, change] of last) {
    const expected = change.after === null ? undefined : change.seq;
    if (stored.get(id) !== expected) violations.push(`stored: ${id} is at version ${stored.get(id)} but the log's last change is ${expected}`);
  }
  input.subscribers.forEach((subscriber, index) => {
    const where = `subscriber ${index}`;
    if (subscriber.gaps.length > 0) violations.push(`${where}: gaps ${JSON.stringify(subscriber.gaps.slice(0, 3))}`);
    if (subscriber.duplicates.length > 0) violations.push(`${where}: ${subscriber.duplicates.length} duplicate events (${subscriber.duplicates.slice(0, 3).join(', ')})`);
    if (subscriber.resets > 0) violations.push(`${where}: ${subscriber.resets} resumes answered reset`);
    const position = subscriber.seqs.at(-1) ?? subscriber.startSeq;
    if (position !== head) violations.push(`${where}: at position ${position}, the log's head is ${head}`);
    const replicaWrong = [...stored].filter(([id, version]) => (firstSeen.get(id) ?? 0) > subscriber.startSeq && subscriber.replica.get(id) !== version);
    if (replicaWrong.length > 0) violations.push(`${where}: ${replicaWrong.length} records differ from the stored state`);
  });
  return { acknowledged: input.acked.length, lost, duplicated, logHead: head, violations };
}
