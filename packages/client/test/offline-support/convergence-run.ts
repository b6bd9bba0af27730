import { setTimeout as pause } from 'node:timers/promises';
import type { ConflictPolicyName } from '../../src/index.js';
import type { Change } from '@syncline/server';
import { reloadActor, startActor, stopActor, tempFolder, type Actor, type ActorConfig, type WriteRecord } from './convergence-actors.js';
import { doubleApplications, droppedConflicts, keyOwners, lostAcknowledgements, replicaDifferences } from './convergence-checks.js';
import { notes, startConvergenceServer, type ConvergenceServer } from './convergence-server.js';
import { resolveHeld, runStep, type WriteJournal } from './convergence-steps.js';
import { createRandom, type Random } from './seeded-random.js';

export interface ConvergenceOptions {
  readonly seed: number;
  readonly actors: number;
  readonly steps: number;
  /** Probability that a write's answer is lost after the server ran it. */
  readonly loseAnswer: number;
  /** How long the end phase may wait for outboxes to empty and replicas to agree. */
  readonly settleMs: number;
  /** Called before the run is torn down (diagnosis of a failing seed). */
  readonly inspect?: (stage: 'not-idle' | 'end', actors: readonly Actor[], server: ConvergenceServer) => Promise<void>;
}

/** The four properties' failures (empty when the run converged) and what happened. */
export interface ConvergenceReport {
  readonly seed: number;
  readonly problems: {
    readonly replicas: readonly string[];
    readonly lostAcknowledgements: readonly string[];
    readonly appliedTwice: readonly string[];
    readonly droppedConflicts: readonly string[];
    readonly settling: readonly string[];
  };
  /** For diagnosis: every write and its outcome, and the server's change log. */
  readonly writes: readonly WriteRecord[];
  readonly errors: Readonly<Record<string, readonly unknown[]>>;
  readonly log: readonly Change[];
  readonly stats: Readonly<Record<'writes' | 'acked' | 'rejected' | 'held' | 'lostAnswers' | 'lostSocketAnswers' | 'cuts' | 'changes' | 'socketActors' | 'liveDifferences', number>>;
}

const POLICIES: readonly ConflictPolicyName[] = ['merge', 'client-wins', 'merge', 'server-wins'];

/**
 * One randomized run: a server, `actors` offline clients each behind a chaos proxy, `steps`
 * random actions among them; then everyone online, idle, reloaded, and the four checks.
 *
 * @example
 * const report = await runConvergence({ seed: 7, actors: 5, steps: 200, loseAnswer: 0.15, settleMs: 15_000 });
 */
export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceReport> {
  const random = createRandom(options.seed);
  const server = await startConvergenceServer();
  const folder = await tempFolder();
  let step = 0;
  const now = (): number => step;
  const journal: WriteJournal = { writes: [], reads: [] };
  const actors: Actor[] = [];
  const settling: string[] = [];
  try {
    const offset = random.int(0, POLICIES.length - 1);
    for (let index = 0; index < options.actors; index++) {
      const config: ActorConfig = {
        name: `c${index}`,
        transport: index === 0 ? 'http' : index === 1 ? 'socket' : random.pick(['http', 'socket']),
        policy: POLICIES[(index + offset) % POLICIES.length] ?? 'merge',
        persistence: random.pick(['memory', 'file']),
      };
      actors.push(await startActor({ config, random: random.fork(index), serverPort: server.port, loseAnswer: options.loseAnswer, folder: folder.path, step: now }));
    }
    // Live views on the socket clients: they follow the others' writes as they happen.
    for (const actor of actors) if (actor.config.transport === 'socket') actor.client.resource(notes).liveQuery('limit=500').subscribe(() => {});

    for (step = 1; step <= options.steps; step++) {
      const actor = random.pick(actors);
      runStep(actor, step, journal);
      await between(actor, random);
    }

    step = options.steps + 1;
    for (const actor of actors) {
      actor.chaos = false;
      actor.proxy.restore();
    }
    if (!(await idle(actors, journal, options.settleMs))) {
      settling.push(`not idle after ${options.settleMs} ms: ${pendingSummary(actors, journal)}`);
      await options.inspect?.('not-idle', actors, server);
    }
    const deletedOnServer = new Set((await server.changes()).filter((change) => change.kind === 'delete').map((change) => `/${change.resource}/${change.id}`));
    const dropped = droppedConflicts(actors, journal.writes, deletedOnServer);
    // The user settles what is held; a resolution may meet a newer version and be held again.
    for (let round = 0; round < 5 && actors.some((actor) => actor.client.conflicts().length > 0); round++) {
      step++;
      for (const actor of actors) for (const held of actor.client.conflicts()) resolveHeld(actor, held, step, journal);
      if (!(await idle(actors, journal, options.settleMs))) settling.push(`not idle after resolving (round ${round + 1}): ${pendingSummary(actors, journal)}`);
    }
    await Promise.all(journal.reads);
    // How far the socket clients' live views alone brought them (reported, not asserted: a
    // record deleted while a client's socket was cut can stay in its replica until it reconciles).
    const live = actors.filter((actor) => actor.config.transport === 'socket');
    let liveDifferences: string[] = [];
    await until(async () => (liveDifferences = replicaDifferences(live, await server.records())).length === 0, 1000);

    for (const actor of actors) await reloadActor(actor, folder.path, now);
    let replicas: string[] = [];
    const agreed = await until(async () => (replicas = replicaDifferences(actors, await server.records())).length === 0, options.settleMs);
    if (!agreed) settling.push(`replicas still differ after ${options.settleMs} ms`);

    const log = await server.changes();
    await options.inspect?.('end', actors, server);
    return {
      seed: options.seed,
      problems: {
        replicas,
        lostAcknowledgements: lostAcknowledgements(journal.writes, log),
        appliedTwice: doubleApplications(server.ledger.entries(), log, keyOwners(actors)),
        droppedConflicts: dropped,
        settling,
      },
      writes: journal.writes,
      errors: Object.fromEntries(actors.map((actor) => [actor.config.name, actor.errors])),
      log,
      stats: {
        writes: journal.writes.length,
        acked: journal.writes.filter((write) => write.outcome.state === 'acked').length,
        rejected: journal.writes.filter((write) => write.outcome.state === 'rejected').length,
        held: actors.reduce((sum, actor) => sum + actor.held.length, 0),
        lostAnswers: actors.reduce((sum, actor) => sum + actor.proxy.stats().lostAnswers, 0),
        lostSocketAnswers: actors.reduce((sum, actor) => sum + actor.proxy.stats().lostSocketAnswers, 0),
        cuts: actors.reduce((sum, actor) => sum + actor.proxy.stats().cuts, 0),
        changes: log.length,
        socketActors: live.length,
        liveDifferences: liveDifferences.length,
      },
    };
  } finally {
    for (const actor of actors) await stopActor(actor);
    await server[Symbol.asyncDispose]();
    await folder.dispose();
  }
}

/**
 * Lets the clients work between two steps, measured in what happened rather than in
 * milliseconds, so a slower or busier machine meets the same kinds of interleavings: most
 * often a few turns of the event loop (the next step then acts while writes, answers and
 * pushed changes are on their way: a write in flight when another client's change or the
 * same user's next edit arrives), sometimes until the actor that acted has sent everything
 * (or is cut off), with a bound in case its sender is backing off.
 */
async function between(actor: Actor, random: Random): Promise<void> {
  if (random.chance(0.15)) {
    await outboxQuiet(actor, 250);
    return;
  }
  for (let turns = random.int(0, 12); turns > 0; turns--) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Resolves once the actor's outbox is empty or its network is cut, or after `timeoutMs`. */
function outboxQuiet(actor: Actor, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const quiet = (): boolean => actor.client.outbox.size() === 0 || actor.proxy.isCut();
    if (quiet()) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const stop = actor.client.outbox.subscribe(() => void (quiet() && done()));
  });
}

/** Every outbox empty and every write's promise settled, polled until `timeoutMs`. */
function idle(actors: readonly Actor[], journal: WriteJournal, timeoutMs: number): Promise<boolean> {
  return until(() => actors.every((actor) => actor.client.outbox.size() === 0) && journal.writes.every((write) => write.outcome.state !== 'pending'), timeoutMs);
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > deadline) return false;
    await pause(10);
  }
}

function pendingSummary(actors: readonly Actor[], journal: WriteJournal): string {
  const outboxes = actors.map((actor) => `${actor.config.name}:${actor.client.outbox.size()}`).join(' ');
  const pending = journal.writes.filter((write) => write.outcome.state === 'pending').map((write) => `${write.actor} ${write.kind} ${write.uri} @${write.step}`);
  return `outboxes ${outboxes}; unsettled writes: ${pending.slice(0, 10).join('; ') || 'none'}`;
}
