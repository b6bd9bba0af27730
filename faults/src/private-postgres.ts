import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin. */
function postgresBinaries(): string | undefined {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates: string[] = [];
  if (fromConfig.status === 0) candidates.push(fromConfig.stdout.trim());
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** The `postgres` OS user's uid and gid, when running as root (initdb refuses root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  const run = (flag: string): number | undefined => {
    const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return result.status === 0 ? Number(result.stdout.trim()) : undefined;
  };
  const uid = run('-u');
  const gid = run('-g');
  return uid !== undefined && gid !== undefined ? { uid, gid } : undefined;
}

/**
 * A PostgreSQL cluster of the scenario's own (never the shared one): `initdb` in a fresh
 * directory and `pg_ctl` on a free port, trusting local connections, so a scenario may
 * stop and restart it under load. As root it runs as the `postgres` OS user.
 *
 * @example
 * const postgres = await PrivatePostgres.start();
 * await postgres.stopServer(); …; await postgres.startServer();
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asUser: readonly string[],
  ) {}

  /** Why a private cluster cannot be made here, or undefined when it can. */
  static unavailableReason(): string | undefined {
    if (postgresBinaries() === undefined) return 'initdb and pg_ctl were not found (pg_config --bindir, /usr/lib/postgresql/*/bin)';
    if (process.getuid?.() === 0 && (postgresUser() === undefined || spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status !== 0)) {
      return 'running as root without a postgres OS user and runuser';
    }
    return undefined;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    if (bin === undefined) throw new Error(PrivatePostgres.unavailableReason());
    const dir = mkdtempSync(join(tmpdir(), 'syncline-faults-pg-'));
    let asUser: string[] = [];
    if (process.getuid?.() === 0) {
      const user = postgresUser();
      if (user === undefined) throw new Error('no postgres OS user');
      chownSync(dir, user.uid, user.gid);
      asUser = ['runuser', '-u', 'postgres', '--'];
    }
    const postgres = new PrivatePostgres(bin, dir, await freePort(), asUser);
    await postgres.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await postgres.ctl('start');
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  // Asynchronous, so clients in the test process keep running while the cluster stops and starts.
  private async run(tool: string, args: readonly string[]): Promise<void> {
    const [command, ...rest] = [...this.asUser, join(this.bin, tool), ...args];
    await promisify(execFile)(command!, rest, { timeout: 60_000 });
  }

  private async ctl(action: 'start' | 'stop', mode = 'fast'): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    const args = ['-D', join(this.dir, 'data'), '-w', '-t', '30', '-l', join(this.dir, 'log')];
    if (action === 'start') await this.run('pg_ctl', [...args, '-o', options, 'start']);
    else await this.run('pg_ctl', [...args, '-m', mode, 'stop']);
  }

  /** Stops the server: `fast` ends every session (57P01 to each client), `immediate` aborts like a crash. */
  async stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.ctl('stop', mode);
  }

  async startServer(): Promise<void> {
    await this.ctl('start');
  }

  /** Stops the cluster and removes its directory. */
  async destroy(): Promise<void> {
    try {
      await this.stopServer('immediate');
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
