import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A forked bench process (a server or a load generator) and its IPC replies: `ask` sends a
 * command and waits for the reply of a given type, with a time limit; an `error` reply or
 * the process's exit fails whatever is waiting.
 */
export class Child<Command, Reply extends { type: string }> {
  private readonly process: ChildProcess;
  private readonly inbox: Reply[] = [];
  private readonly waiters: Array<{ type: string; resolve: (reply: Reply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }> = [];
  private exited = false;
  readonly exit: Promise<number | null>;

  constructor(readonly name: string, script: string, args: string[], options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}) {
    this.process = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
      execArgv: ['--conditions=@syncline/source', '--import', 'tsx', '--expose-gc', ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message: Reply) => {
      if (message.type === 'error') {
        const waiter = this.waiters.shift();
        const error = new Error(`${name}: ${(message as unknown as { message: string }).message}`);
        if (waiter) {
          clearTimeout(waiter.timer);
          waiter.reject(error);
        } else console.error(error.message);
        return;
      }
      const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
      const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      } else this.inbox.push(message);
    });
    this.exit = new Promise((resolve) => {
      this.process.on('exit', (code) => {
        this.exited = true;
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`${name} exited (code ${String(code)}) while waiting for '${waiter.type}'`));
        }
        resolve(code);
      });
    });
  }

  send(command: Command): void {
    if (!this.exited) this.process.send(command as object);
  }

  wait<T extends Reply['type']>(type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    const index = this.inbox.findIndex((reply) => reply.type === type);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as Extract<Reply, { type: T }>);
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.findIndex((waiter) => waiter.timer === timer);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ type, resolve: resolve as (reply: Reply) => void, reject, timer });
    });
  }

  ask<T extends Reply['type']>(command: Command, type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    const reply = this.wait(type, timeoutMs);
    this.send(command);
    return reply;
  }

  /** Asks the process to exit, and kills it (by its pid) if it has not within `graceMs`. */
  async stop(exitCommand: Command, graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.send(exitCommand);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}
