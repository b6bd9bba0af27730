import { PAYLOAD, recordId } from '../common.js';

/** What every server process of the PostgreSQL scenario is given. */
export interface PgServerOptions {
  readonly connectionString: string;
  /** A schema of this run's own. */
  readonly schema: string;
  /** Records `r0` … `r<records-1>`, one per writer, so writers never conflict. */
  readonly records: number;
  /** Whether this process creates the records (the first process of a run). */
  readonly seed: boolean;
}

export interface PgServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The seeded record of writer `index`. */
export function seedRecord(index: number): { id: string; topic: number; n: number; ts: number; payload: string } {
  return { id: recordId(index), topic: index, n: 0, ts: 0, payload: PAYLOAD };
}
