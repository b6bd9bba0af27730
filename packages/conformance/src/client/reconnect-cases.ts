import { CLOSE_CODES } from '@syncline/protocol';
import { checkEqual } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import { awaitHolding, awaitSubscribed, holding, type ClientCase } from './client-case.js';
import { recordId, ScriptedFeed, scriptedRecord } from './scripted-records.js';

/** While upgrades are refused, a client makes at most this many attempts in `REFUSED_FOR_MS`. */
export const MAX_ATTEMPTS_WHILE_REFUSED = 8;
export const REFUSED_FOR_MS = 2_000;
/** Once upgrades are accepted again, the client is back within this long. */
export const BACK_WITHIN_MS = 15_000;
/** How long the suite watches for a reconnect after close 4406. */
export const WATCH_AFTER_4406_MS = 3_000;
/** The `heartbeatMs` the heartbeat case advertises, and the slack it allows past 2 × heartbeatMs. */
export const CASE_HEARTBEAT_MS = 1_000;
export const WATCHDOG_SLACK_MS = 1_000;

function twoRecords(): ScriptedFeed {
  return new ScriptedFeed([scriptedRecord(0, 1), scriptedRecord(1, 2)], 2);
}

export const resumeCase: ClientCase = {
  id: 'resume',
  name: 'after the server drops the socket, the client reconnects and re-SUBSCRIBEs with last-event-id = the last seq it received',
  section: '§6.2, §7, §9',
  task: 'follow',
  limitMs: 40_000,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const { server } = context;
    const first = await awaitSubscribed(context);
    server.publish('update', recordId(0), scriptedRecord(0, 3));
    await awaitHolding(context, holding(scriptedRecord(0, 3), scriptedRecord(1, 2)), 'the update at seq 3');
    first.socket.terminate();
    // Written while the client is away: the resume must bring it.
    server.feed.append('update', recordId(1), scriptedRecord(1, 4));
    const second = await awaitSubscribed(context, first.index + 1);
    checkEqual(second.subscribes[0]?.lastEventId, '3', "the new SUBSCRIBE's last-event-id (the seq of the last event received)");
    await awaitHolding(context, holding(scriptedRecord(0, 3), scriptedRecord(1, 4)), 'the change missed while away, replayed after resumed');
  },
};

export const backoffCase: ClientCase = {
  id: 'backoff',
  name: `while upgrades are refused the client backs off (at most ${MAX_ATTEMPTS_WHILE_REFUSED} attempts in ${REFUSED_FOR_MS} ms), and is back within ${BACK_WITHIN_MS / 1000} s once they are accepted`,
  section: '§1, §9',
  task: 'follow',
  limitMs: 60_000,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const { server } = context;
    const first = await awaitSubscribed(context);
    server.upgradePolicy = 'refuse';
    const from = server.attempts.length;
    first.socket.close(CLOSE_CODES.goingAway, 'shutting down');
    await server.signal.holds(() => {
      const made = server.attempts.length - from;
      return made > MAX_ATTEMPTS_WHILE_REFUSED ? `the client made ${made} connection attempts within ${REFUSED_FOR_MS} ms of being refused (HTTP 503): it does not back off` : undefined;
    }, REFUSED_FOR_MS);
    server.upgradePolicy = 'accept';
    await server.signal.until(
      () => server.connections.find((connection) => connection.index > first.index && connection.live.size > 0),
      BACK_WITHIN_MS,
      `the client to connect and SUBSCRIBE again once upgrades were accepted (${server.attempts.length - from} attempts so far)`,
    );
  },
};

export const unsupportedVersionCase: ClientCase = {
  id: 'close-4406',
  name: `after close 4406 (a protocol major it does not speak) the client does not reconnect (watched ${WATCH_AFTER_4406_MS} ms)`,
  section: '§1, §9',
  task: 'follow',
  limitMs: 40_000,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const { server } = context;
    server.upgradePolicy = 'unsupported-version';
    const closed = await server.signal.until(() => server.connections[0]?.closedAt, context.startMs, 'the client to open its socket (which is closed with 4406)');
    checkEqual(server.connections[0]?.closeCode, CLOSE_CODES.protocolNotSupported, 'the close code the client saw');
    await server.signal.holds(() => {
      const again = server.attempts.length - 1;
      return again > 0 ? `the client tried to connect ${again} more time(s) within ${Date.now() - closed} ms of close 4406; it MUST NOT reconnect with the same offer` : undefined;
    }, WATCH_AFTER_4406_MS);
  },
};

export const heartbeatCase: ClientCase = {
  id: 'heartbeat',
  name: `the client keeps a socket whose heartbeats come, and drops and replaces one silent for 2 × heartbeatMs (hello: ${CASE_HEARTBEAT_MS} ms)`,
  section: '§2.3, §2.4, §8',
  task: 'follow',
  limitMs: 40_000,
  setup: () => ({ feed: twoRecords(), heartbeatMs: CASE_HEARTBEAT_MS }),
  async run(context) {
    const { server } = context;
    const first = await awaitSubscribed(context);
    const beat = setInterval(() => first.heartbeat(), CASE_HEARTBEAT_MS);
    try {
      await server.signal.holds(() => (first.open ? undefined : `the client closed its socket while heartbeats came every ${CASE_HEARTBEAT_MS} ms`), 3 * CASE_HEARTBEAT_MS);
    } finally {
      clearInterval(beat);
    }
    // Silence: no heartbeat, no frame, pings unanswered or not, the socket stays up on the server's side.
    const silentFrom = first.lastSentAt;
    const limit = 2 * CASE_HEARTBEAT_MS + WATCHDOG_SLACK_MS;
    try {
      await server.signal.until(() => first.closedAt, limit - (Date.now() - silentFrom), 'the client to drop the silent socket');
    } catch (error) {
      if (!(error instanceof ConformanceFailure) || error.code !== 'timeout') throw error;
      throw new ConformanceFailure('timeout', `the socket stayed open ${limit} ms after the server's last frame (hello said heartbeatMs ${CASE_HEARTBEAT_MS}); a client SHOULD treat 2 × heartbeatMs of silence as a dead connection`);
    }
    await awaitSubscribed(context, first.index + 1);
  },
};
