import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { residentBytes } from './free-port.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./fault-server.ts', import.meta.url));

/** How a server process ended: its exit code or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A Syncline server in a child process (`fault-server.ts`) that a scenario can kill,
 * stop gracefully and start again on the same port with the same environment.
 *
 * @example
 * const server = await ServerProcess.start({ DATABASE_URL: 'sqlite:/tmp/f.db', PORT: String(await freePort()) });
 * server.kill('SIGKILL'); await server.exited; await server.restart();
 */
export class ServerProcess {
  /** Everything the process wrote to stderr, over every start. */
  readonly stderr: string[] = [];
  /** Exits that no scenario asked for (a crash), over every start. */
  readonly unexpectedExits: ProcessExit[] = [];
  private child!: ChildProcess;
  private expectingExit = false;
  port = 0;
  exited!: Promise<ProcessExit>;

  private constructor(private readonly env: Readonly<Record<string, string>>) {}

  static async start(env: Readonly<Record<string, string>>): Promise<ServerProcess> {
    const server = new ServerProcess(env);
    await server.launch();
    return server;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process again (after it exited) and waits until it listens. */
  async restart(): Promise<void> {
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.expectingExit = false;
    const child = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', SERVER_SCRIPT], {
      env: { ...process.env, HOST: '127.0.0.1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const exit = { code, signal };
        if (!this.expectingExit) this.unexpectedExits.push(exit);
        resolve(exit);
      });
    });
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fault server did not start in 30 s: ${this.stderr.join('')}`)), 30_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const { port } = JSON.parse(line) as { port: number };
          clearTimeout(timer);
          resolve(port);
        } catch {
          // Another line: not the port.
        }
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`fault server exited (${code ?? signal}) before listening: ${this.stderr.join('')}`));
      });
    });
  }

  /** Sends a signal the scenario means (its exit is then not counted as a crash). */
  kill(signal: NodeJS.Signals): void {
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') this.expectingExit = true;
    this.child.kill(signal);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** The process's resident memory in bytes. */
  async rss(): Promise<number | undefined> {
    return residentBytes(this.pid);
  }

  /** stderr lines that report an error (the server prefixes its reports). */
  reports(): string {
    return this.stderr.join('');
  }
}
