import { uuidv7 } from '@syncline/schema';
import { delay } from './free-port.js';
import type { AckedWrite } from './history.js';

export interface WriterOptions {
  /** This writer's name, stored in every entry it writes. */
  readonly name: string;
  /** The servers to write to: each attempt goes to the next one (a client behind a load balancer). */
  readonly bases: () => readonly string[];
  /** Gives up one attempt after this long (a frozen server). Default 10000. */
  readonly attemptTimeoutMs?: number;
  /** Pause between two writes. Default 0. */
  readonly pauseMs?: number;
  /** Sends an `Idempotency-Key` per write (the same on each retry). Default true. */
  readonly idempotencyKeys?: boolean;
}

/** What a writer saw besides its acknowledgements. */
export interface WriterFigures {
  attempts: number;
  /** Attempts that got no answer (connection refused or reset, timed out). */
  networkErrors: number;
  /** Of those, attempts sent on a connection that then broke or timed out (not simply refused): a request cut off in flight. */
  cutOff: number;
  /** Why those were cut off (the error's cause code or message), counted. */
  cutOffReasons: Record<string, number>;
  /** Answers by status, for attempts that were not acknowledged. */
  refused: Record<string, number>;
  /** 503 answers that carried `retry-after`. */
  retryAfter: number;
  /** Problem bodies of 5xx answers other than 503 (each one a fault of the server). */
  serverErrors: string[];
  /** Writes whose earlier attempt had been applied, found by the retry's 412 and a read. */
  confirmedOnRetry: number;
  /** Writes whose earlier attempt had been applied, answered on a retry from the saved outcome (`idempotency-replayed`). */
  replayed: number;
  /** A retry's 412 where the record did not hold this writer's value: a write neither applied nor refused. */
  anomalies: string[];
}

interface Attempt {
  readonly method: 'PUT';
  readonly uri: string;
  readonly headers: Record<string, string>;
  readonly body: { writer: string; n: number };
}

/**
 * A client that writes without end until stopped, over HTTP, each write retried until it is
 * acknowledged, as an outbox would (a retry after a lost answer must not apply twice: creates
 * are `PUT` to a client-made id with `If-None-Match: *`, updates are `PUT` with `If-Match`, so
 * a retry of an applied write answers 412 and a read confirms it; with an `Idempotency-Key`, the
 * retry is answered the saved outcome instead, marked `idempotency-replayed`). Odd writes create a new
 * entry; even ones move the writer's tally entry to `n`.
 *
 * @example
 * const writer = new HttpWriter({ name: 'w1', bases: () => [server.base] });
 * const running = writer.run(); …; writer.stop(); await running;
 */
export class HttpWriter {
  readonly acked: AckedWrite[] = [];
  readonly figures: WriterFigures = { attempts: 0, networkErrors: 0, cutOff: 0, cutOffReasons: {}, refused: {}, retryAfter: 0, serverErrors: [], confirmedOnRetry: 0, replayed: 0, anomalies: [] };
  private stopped = false;
  private turn = 0;
  private readonly tallyId = uuidv7();
  private tallyVersion: number | undefined;

  constructor(private readonly options: WriterOptions) {}

  stop(): void {
    this.stopped = true;
  }

  /** Writes until `stop()`; the write under way when stopped is still retried to its end. */
  async run(): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const create = n === 0 || n % 2 === 1;
      const id = create && n > 0 ? uuidv7() : this.tallyId;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.options.idempotencyKeys ?? true) headers['idempotency-key'] = `${this.options.name}-${this.tallyId}-${n}`;
      if (create) headers['if-none-match'] = '*';
      else headers['if-match'] = `"${this.tallyVersion ?? 0}"`;
      const version = await this.write({ method: 'PUT', uri: `/entries/${id}`, headers, body: { writer: this.options.name, n } });
      if (version === undefined) return;
      if (id === this.tallyId) this.tallyVersion = version;
      this.acked.push({ id, writer: this.options.name, n, version });
      if (this.options.pauseMs) await delay(this.options.pauseMs);
    }
  }

  /** Sends one write until it is acknowledged; its resulting version, or undefined if the run gave up. */
  private async write(attempt: Attempt): Promise<number | undefined> {
    for (let tries = 0; ; tries++) {
      if (tries > 0) await delay(Math.min(1000, 50 * 2 ** Math.min(tries, 5)));
      const bases = this.options.bases();
      const base = bases[this.turn++ % bases.length];
      if (base === undefined) return undefined;
      this.figures.attempts++;
      let response: Response;
      try {
        response = await fetch(`${base}${attempt.uri}`, {
          method: attempt.method,
          headers: attempt.headers,
          body: JSON.stringify(attempt.body),
          signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000),
        });
      } catch (error) {
        this.figures.networkErrors++;
        const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
        if (cause?.code !== 'ECONNREFUSED') {
          this.figures.cutOff++;
          const reason = String(cause?.code ?? cause?.message ?? error);
          this.figures.cutOffReasons[reason] = (this.figures.cutOffReasons[reason] ?? 0) + 1;
        }
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 200 || response.status === 201) {
        if (response.headers.get('idempotency-replayed') === 'true') this.figures.replayed++;
        return Number((JSON.parse(text) as { version: unknown }).version);
      }
      this.figures.refused[response.status] = (this.figures.refused[response.status] ?? 0) + 1;
      if (response.status === 503 && response.headers.get('retry-after') !== null) this.figures.retryAfter++;
      if (response.status >= 500 && response.status !== 503) this.figures.serverErrors.push(text.slice(0, 300));
      if (response.status === 412 && tries > 0) {
        const confirmed = await this.confirm(base, attempt);
        if (confirmed !== undefined) {
          this.figures.confirmedOnRetry++;
          return confirmed;
        }
        this.figures.anomalies.push(`${attempt.uri} n=${attempt.body.n}: 412 on retry, and the record does not hold it`);
        return undefined;
      }
      // The same key still being answered (on another process, or a lost answer's attempt): retry.
      if (response.status === 409 && text.includes('idempotency-key-in-flight')) continue;
      if (response.status < 500 && response.status !== 429 && response.status !== 412) {
        this.figures.anomalies.push(`${attempt.uri} n=${attempt.body.n}: answered ${response.status} ${text.slice(0, 200)}`);
        return undefined;
      }
      if (response.status === 412) {
        this.figures.anomalies.push(`${attempt.uri} n=${attempt.body.n}: 412 on the first attempt`);
        return undefined;
      }
    }
  }

  /** After a retry's 412: the record's version if it holds this attempt's value (an earlier attempt was applied). */
  private async confirm(base: string, attempt: Attempt): Promise<number | undefined> {
    for (let tries = 0; tries < 20; tries++) {
      try {
        const response = await fetch(`${base}${attempt.uri}`, { signal: AbortSignal.timeout(5000) });
        if (response.status === 200) {
          const record = (await response.json()) as { writer: string; n: number; version: number };
          return record.writer === attempt.body.writer && record.n === attempt.body.n ? record.version : undefined;
        }
      } catch {
        // The server is still away: read again.
      }
      await delay(200);
    }
    return undefined;
  }
}
