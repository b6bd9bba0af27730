import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { show } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import type { Signal } from './signal.js';

/** The environment an adapter receives for one case (README, "Checking a client"). */
export interface AdapterEnvironment {
  /** `SYNCLINE_CONFORMANCE_URL`: the scripted server's origin, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `SYNCLINE_CONFORMANCE_CASE`: the case's short name. */
  readonly caseName: string;
  /** `SYNCLINE_CONFORMANCE_TASK`: `follow`, `follow-events` or `patch`. */
  readonly task: 'follow' | 'follow-events' | 'patch';
  /** `SYNCLINE_CONFORMANCE_RECORD`: for `patch`, the record's URI. */
  readonly record?: string;
}

/**
 * The implementer's adapter, run as a shell command for one case. Every line it prints on
 * stdout must be one JSON object; stderr is kept for the report. It is ended (SIGTERM, then
 * SIGKILL) when the case is over.
 */
export class AdapterProcess {
  readonly lines: unknown[] = [];
  exit: { readonly code: number | null; readonly signal: string | null } | undefined;
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(command: string, environment: AdapterEnvironment, signal: Signal) {
    this.child = spawn(command, {
      shell: true,
      // Its own process group, so ending the case ends whatever the command started.
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SYNCLINE_CONFORMANCE_URL: environment.url,
        SYNCLINE_CONFORMANCE_CASE: environment.caseName,
        SYNCLINE_CONFORMANCE_TASK: environment.task,
        ...(environment.record === undefined ? {} : { SYNCLINE_CONFORMANCE_RECORD: environment.record }),
      },
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, exitSignal) => {
        this.exit = { code, signal: exitSignal };
        signal.notify();
        resolve();
      });
      this.child.on('error', (error) => {
        signal.fail(new ConformanceFailure('error', `the adapter command could not start: ${error.message}`));
        this.exit ??= { code: null, signal: null };
        resolve();
      });
    });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        if (line.trim() === '') return;
        try {
          this.lines.push(JSON.parse(line));
        } catch {
          signal.fail(new ConformanceFailure('error', `the adapter printed a line that is not JSON on stdout: ${show(line)}`));
        }
        signal.notify();
      });
    }
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2_000);
    });
  }

  /** The end of what the adapter wrote on stderr, for a failure's reason. */
  stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-5).join(' | ');
  }

  /** Ends the adapter and everything it started; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), 2_000);
    await this.exited;
    clearTimeout(timer);
  }

  private kill(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}
