import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, parseJsonSafely, SUBPROTOCOL } from '@syncline/protocol';
import { WebSocketServer } from 'ws';
import { ConformanceFailure } from '../conformance-failure.js';
import { PeerConnection, type ResumePolicy } from './peer-connection.js';
import { answer, type ScriptedRequest, type WriteHandler } from './scripted-answers.js';
import { opensCollectionStream, ScriptedEventStream } from './scripted-event-stream.js';
import type { ScriptedFeed } from './scripted-records.js';
import { Signal } from './signal.js';

/** The WebSocket path the scripted server listens on (§1's default). */
export const SCRIPTED_LIVE_PATH = '/live';

/** What the server does with an upgrade: open it, refuse it with an HTTP status, or open it and close 4406 (§1). */
export type UpgradePolicy = 'accept' | 'refuse' | 'unsupported-version';

/** One upgrade request, whatever became of it. */
export interface UpgradeAttempt {
  readonly at: number;
  /** The subprotocols offered (`Sec-WebSocket-Protocol`). */
  readonly protocols: readonly string[];
  readonly outcome: UpgradePolicy;
}

export interface ScriptedServerOptions {
  readonly feed: ScriptedFeed;
  /** The `heartbeatMs` of `hello` (§2.3). The case sends heartbeats itself. */
  readonly heartbeatMs: number;
  readonly write?: WriteHandler;
}

/**
 * A scripted peer that plays the server's side of docs/protocol.md to a client under test: a
 * `node:http` server with a `ws` endpoint on 127.0.0.1, port 0. It is not a Syncline server:
 * it answers from a case's feed, does what the case tells it (drop a socket, refuse upgrades,
 * go silent, send bad frames), and records every upgrade, frame and HTTP request it receives,
 * failing the case at the first one the protocol does not allow.
 */
export class ScriptedServer {
  readonly signal = new Signal();
  readonly attempts: UpgradeAttempt[] = [];
  readonly connections: PeerConnection[] = [];
  /** The event streams (§10) the client opened, in order. */
  readonly streams: ScriptedEventStream[] = [];
  readonly httpRequests: ScriptedRequest[] = [];
  /** The writes the client sent, over either surface, in arrival order. */
  readonly writes: ScriptedRequest[] = [];
  upgradePolicy: UpgradePolicy = 'accept';
  resumePolicy: ResumePolicy = 'log';
  private readonly write: WriteHandler | undefined;
  private readonly sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });

  private constructor(
    private readonly http: Server,
    readonly url: string,
    private readonly options: ScriptedServerOptions,
  ) {
    const write = options.write;
    this.write = write && ((request, feed) => (this.writes.push(request), write(request, feed)));
    http.on('request', (request, response) => {
      this.serveHttp(request, response).catch(() => response.destroy());
    });
    http.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
  }

  static async start(options: ScriptedServerOptions): Promise<ScriptedServer> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    if (address === null || typeof address === 'string') throw new Error('the scripted server has no port');
    return new ScriptedServer(http, `http://127.0.0.1:${address.port}`, options);
  }

  /** The case's records and change log. */
  get feed(): ScriptedFeed {
    return this.options.feed;
  }

  /** Appends a change to the log and sends it to every live subscription (§2.5). */
  publish(...[op, id, record]: Parameters<ScriptedFeed['append']>): void {
    const change = this.options.feed.append(op, id, record);
    for (const connection of this.connections) connection.publish(change);
    for (const stream of this.streams) stream.publish(change);
  }

  /** The latest connection, if any. */
  last(): PeerConnection | undefined {
    return this.connections.at(-1);
  }

  /** Fails the case with `reason` (the client broke the protocol). */
  violation(reason: string): void {
    this.signal.fail(new ConformanceFailure('invalid-message', reason));
  }

  async close(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
    // A client that gives up mid-handshake resets the connection: nothing to report.
    socket.on('error', () => {});
    const outcome = this.upgradePolicy;
    this.attempts.push({ at: Date.now(), protocols, outcome });
    this.signal.notify();
    if (new URL(request.url ?? '/', this.url).pathname !== SCRIPTED_LIVE_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return this.violation(`the client opened its socket at ${request.url ?? ''}, not at ${SCRIPTED_LIVE_PATH} (§1)`);
    }
    if (!protocols.includes(SUBPROTOCOL)) this.violation(`the handshake did not offer the subprotocol ${SUBPROTOCOL} (§1), it offered ${JSON.stringify(protocols)}`);
    if (outcome === 'refuse') {
      // What a server at its connection limit answers (§1, §9): the client retries with backoff.
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      const connection = new PeerConnection(this.connections.length, ws, {
        feed: this.options.feed,
        heartbeatMs: this.options.heartbeatMs,
        resumePolicy: () => this.resumePolicy,
        write: this.write,
        violation: (reason) => this.violation(reason),
        notify: () => this.signal.notify(),
      });
      this.connections.push(connection);
      if (outcome === 'unsupported-version') ws.close(CLOSE_CODES.protocolNotSupported, 'supported: 2.0-2.0');
      else connection.sendHello();
      this.signal.notify();
    });
  }

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (opensCollectionStream(request, SCRIPTED_LIVE_PATH)) {
      this.streams.push(new ScriptedEventStream(request, response, this.options.feed, (reason) => this.violation(reason)));
      response.on('close', () => this.signal.notify());
      this.signal.notify();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (text !== '') {
      try {
        body = parseJsonSafely(text, { maxDepth: 64 });
      } catch {
        this.violation(`the client sent an HTTP body that is not JSON (or nested too deep, or with a prototype key): ${text.slice(0, 200)}`);
      }
    }
    const headers = Object.fromEntries(Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));
    const scripted: ScriptedRequest = { method: request.method ?? 'GET', resource: request.url ?? '/', headers, body, via: 'http' };
    this.httpRequests.push(scripted);
    const result = answer(this.options.feed, scripted, this.write);
    response.writeHead(result.status, result.headers);
    response.end(result.body === undefined || request.method === 'HEAD' ? undefined : JSON.stringify(result.body));
    this.signal.notify();
  }
}
