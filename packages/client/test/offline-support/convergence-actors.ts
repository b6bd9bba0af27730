import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, memoryPersistence, type ConflictError, type ConflictPolicyName, type ReplicaPersistence, type ReplicaEntry, type SynclineClient, type WriteRejection } from '../../src/index.js';
import { filePersistence } from '../../src/node.js';
import type { JsonRecord } from '../../src/requests/answers.js';
import { startChaosProxy, type ChaosProxy } from './chaos-proxy.js';
import type { Random } from './seeded-random.js';

/** How one simulated user's client is set up. */
export interface ActorConfig {
  readonly name: string;
  readonly transport: 'http' | 'socket';
  /** The client's conflict policy (writes may override it per call). */
  readonly policy: ConflictPolicyName;
  readonly persistence: 'memory' | 'file';
}

export type WriteKind = 'create' | 'patch' | 'update' | 'delete' | 'resolve';

export type WriteOutcome = { readonly state: 'pending' } | { readonly state: 'acked'; readonly record: JsonRecord | null } | { readonly state: 'rejected'; readonly error: unknown };

/** One write an actor made, and what became of its promise. */
export interface WriteRecord {
  readonly actor: string;
  readonly step: number;
  readonly kind: WriteKind;
  readonly uri: string;
  /** The value it set at `op[actor]` (none for deletes and resolutions to "deleted" or "server"). */
  readonly token: string | undefined;
  /** The policy asked for on this call, else the client's. */
  readonly policy: ConflictPolicyName;
  outcome: WriteOutcome;
}

/** A simulated user: a client behind its own proxy, on its own persistence, with what it saw. */
export interface Actor {
  readonly config: ActorConfig;
  readonly random: Random;
  readonly proxy: ChaosProxy;
  client: SynclineClient;
  persistence: ReplicaPersistence;
  /** Tokens `<name>:<n>`, increasing. */
  nextToken(): string;
  /** Conflicts the client announced as held: URI and step. */
  readonly held: { readonly uri: string; readonly step: number }[];
  /** Held conflicts the actor resolved: URI and step. */
  readonly resolved: { readonly uri: string; readonly step: number }[];
  readonly rejections: WriteRejection[];
  /** What the client reported to `onError`. */
  readonly errors: unknown[];
  /** Idempotency keys this actor's client sent (seen by its proxy). */
  readonly keys: Set<string>;
  /** Whether the proxy loses answers (off for the final settling). */
  chaos: boolean;
}

export interface ActorOptions {
  readonly config: ActorConfig;
  readonly random: Random;
  readonly serverPort: number;
  /** Probability that the answer to a write is lost after the server ran it. */
  readonly loseAnswer: number;
  readonly folder: string;
  /** The step now (for event bookkeeping). */
  readonly step: () => number;
}

/**
 * Starts an actor: its proxy, its persistence and its client.
 *
 * @example
 * const actor = await startActor({ config, random, serverPort, loseAnswer: 0.15, folder, step: () => step });
 */
export async function startActor(options: ActorOptions): Promise<Actor> {
  const { config, random } = options;
  const keys = new Set<string>();
  const chaos = { on: true };
  const proxy = await startChaosProxy({
    targetPort: options.serverPort,
    loseAnswer(write) {
      if (write.key !== undefined) keys.add(write.key);
      return chaos.on && random.chance(options.loseAnswer);
    },
  });
  const persistence = openPersistence(config, options.folder);
  const held: Actor['held'] = [];
  const rejections: WriteRejection[] = [];
  const errors: unknown[] = [];
  let counter = 0;
  const actor: Actor = {
    config,
    random,
    proxy,
    client: connect({ config, port: proxy.port, persistence, held, rejections, errors }, options.step),
    persistence,
    nextToken: () => `${config.name}:${++counter}`,
    held,
    resolved: [],
    rejections,
    errors,
    keys,
    get chaos() {
      return chaos.on;
    },
    set chaos(on: boolean) {
      chaos.on = on;
    },
  };
  await actor.client.ready;
  return actor;
}

/** Closes the client and opens a new one on the same persistence, as a reloaded page would. */
export async function reloadActor(actor: Actor, folder: string, step: () => number): Promise<void> {
  actor.client.close();
  if (actor.config.persistence === 'file') {
    await actor.persistence.close();
    actor.persistence = openPersistence(actor.config, folder);
  }
  actor.client = connect({ ...actor, port: actor.proxy.port }, step);
  await actor.client.ready;
}

export async function stopActor(actor: Actor): Promise<void> {
  actor.client.close();
  await actor.persistence.close();
  await actor.proxy[Symbol.asyncDispose]();
}

/** A folder for the file persistences of one run, removed by `dispose`. */
export async function tempFolder(): Promise<{ readonly path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'syncline-convergence-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** The notes the actor's replica holds (not deleted). */
export function knownNotes(actor: Actor): ReplicaEntry[] {
  return [...actor.client.store.entries()].filter((entry) => entry.uri.startsWith('/notes/') && entry.data !== null);
}

type ConnectOptions = Pick<Actor, 'config' | 'persistence' | 'held' | 'rejections' | 'errors'> & { readonly port: number };

function connect(actor: ConnectOptions, step: () => number): SynclineClient {
  const { config } = actor;
  const client = createClient({
    url: `http://127.0.0.1:${actor.port}`,
    transport: config.transport,
    minDelayMs: 5,
    maxDelayMs: 40,
    requestTimeoutMs: 2000,
    onError: (error) => void actor.errors.push(error),
    offline: { persistence: actor.persistence, policy: config.policy, tabs: false },
  });
  client.on('conflict', (conflict: ConflictError) => void actor.held.push({ uri: conflict.uri, step: step() }));
  client.on('rejected', (rejection) => void actor.rejections.push(rejection));
  return client;
}

function openPersistence(config: ActorConfig, folder: string): ReplicaPersistence {
  return config.persistence === 'file' ? filePersistence({ path: join(folder, `${config.name}.json`) }) : memoryPersistence();
}
