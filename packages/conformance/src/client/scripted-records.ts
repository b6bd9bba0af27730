import type { ChangeEvent, ChangeOp } from '@syncline/protocol';
import { FIXTURE_RESOURCE } from '../fixture.js';

/** The collection URI every client case subscribes to. */
export const COLLECTION_URI = `/${FIXTURE_RESOURCE}`;

/** A record of the fixture resource as the scripted server sends it (§4.2). */
export interface ScriptedRecord {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly title: string;
  readonly done: boolean;
  readonly [member: string]: unknown;
}

/** One entry of the scripted change log: what happened to which record at which position. */
export interface LoggedChange {
  readonly seq: number;
  readonly op: ChangeOp;
  readonly uri: string;
  readonly record: ScriptedRecord | null;
}

// Fixed ids, so a report names the same records on every run (UUIDv7-shaped, as a server's).
const IDS = ['01a2080b-10ae-717b-91b6-aea2c22c6101', '01a2080b-10ae-717b-91b6-aea2c22c6102', '01a2080b-10ae-717b-91b6-aea2c22c6103'] as const;

/** The id of the nth scripted record (0, 1 or 2). */
export function recordId(index: 0 | 1 | 2): string {
  return IDS[index];
}

/** A record at `version`: its ETag is `"<version>"` (§4.3) and its title names both. */
export function scriptedRecord(index: 0 | 1 | 2, version: number, done = false): ScriptedRecord {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString();
  return { id: recordId(index), version, createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), updatedAt: at, title: `item ${index + 1} v${version}`, done };
}

export function recordUri(id: string): string {
  return `${COLLECTION_URI}/${id}`;
}

export function etagOf(record: ScriptedRecord): string {
  return `"${record.version}"`;
}

/**
 * The scripted server's data: the collection's records and the change log since position 0.
 * A case sets the starting records and appends changes; SUBSCRIBE answers and resumes are
 * read from here, so every connection of a case sees one consistent history.
 */
export class ScriptedFeed {
  private readonly records = new Map<string, ScriptedRecord>();
  private readonly log: LoggedChange[] = [];
  head: number;

  constructor(initial: readonly ScriptedRecord[], head: number) {
    for (const record of initial) this.records.set(record.id, record);
    this.head = head;
  }

  /** The collection as it is now, in id order. */
  snapshot(): ScriptedRecord[] {
    return [...this.records.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): ScriptedRecord | undefined {
    return this.records.get(id);
  }

  /** Appends a change at the next position and applies it; `record` is null for `leave`. */
  append(op: ChangeOp, id: string, record: ScriptedRecord | null): LoggedChange {
    const change: LoggedChange = { seq: ++this.head, op, uri: recordUri(id), record };
    this.log.push(change);
    if (record === null) this.records.delete(id);
    else this.records.set(id, record);
    return change;
  }

  /** Replaces everything (a log trimmed past a client's position): the next resume is a reset. */
  replace(records: readonly ScriptedRecord[], head: number): void {
    this.records.clear();
    for (const record of records) this.records.set(record.id, record);
    this.log.length = 0;
    this.head = head;
  }

  /** The changes after `seq`, or undefined when the log no longer reaches back that far. */
  since(seq: number): LoggedChange[] | undefined {
    const first = this.log[0];
    if (seq > this.head || (first !== undefined && first.seq > seq + 1) || (first === undefined && seq < this.head)) return undefined;
    return this.log.filter((change) => change.seq > seq);
  }
}

/** The change event one subscription receives for a logged change (§2.5). */
export function changeEvent(subscription: string | number, change: LoggedChange): ChangeEvent {
  return {
    event: 'change',
    subscription,
    seq: change.seq,
    op: change.op,
    resource: change.uri,
    etag: change.record === null ? null : etagOf(change.record),
    body: change.record === null ? null : { ...change.record },
  };
}
