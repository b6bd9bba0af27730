import { BEARER_SUBPROTOCOL_PREFIX, CLOSE_CODES, downstreamSchema, parseJsonSafely, PROTOCOL_MAJOR, PROTOCOL_VERSION, speaksMajor, SUBPROTOCOL, type Downstream, type HelloEvent } from '@syncline/protocol';
import { backoffDelay, type BackoffOptions, type ConnectionState, type ConnectionStateListener } from './connection-state.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { frameText, resolveSocketConstructor, type SocketConstructor, type SocketLike } from './socket-like.js';

export interface ConnectionOptions extends BackoffOptions {
  /** The WebSocket URL: `ws://host:port/live`. */
  readonly url: string;
  readonly WebSocket?: SocketConstructor;
  /** A handshake (socket open and `hello`) slower than this counts as failed. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Called with every valid frame after `hello` (responses and events). */
  readonly onFrame: (frame: Downstream) => void;
  /** Called once per socket that reached `open`, when it is lost. */
  readonly onDrop?: () => void;
  /** A bearer token for each new socket (offered as the `syncline.bearer.<token>` subprotocol); none for cookies or anonymous. */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /**
   * The server ended the socket's session (close 4401: signed out or expired). The next
   * socket waits for the promise it returns (a new sign-in), then asks `token()` again.
   */
  readonly onSessionEnded?: () => void | Promise<void>;
  /** Frames that are not valid messages, sockets that fail: reported, never thrown. */
  readonly onError?: (error: unknown) => void;
  /** The clock of the backoff, the handshake bound and the heartbeat watchdog. Default the system's. */
  readonly clock?: Clock;
}

/** One logical connection over many sockets: it reconnects until closed. */
export interface Connection {
  state(): ConnectionState;
  /** The last `hello`, once the connection was open at least once. */
  hello(): HelloEvent | undefined;
  onStateChange(listener: ConnectionStateListener): () => void;
  /** Sends a text frame; false when not open. */
  send(text: string): boolean;
  /** Drops the current socket, as if the network failed, and reconnects (tests, "retry now" buttons). */
  drop(): void;
  /**
   * The credentials changed (sign-in, sign-out): a socket opened or opening with the old ones
   * is replaced at once, without counting as a failed attempt; one not yet created asks
   * `token()` again.
   */
  renew(): void;
  close(): void;
}

// Codes after which retrying the same frames would fail the same way (protocol.md §9).
const FATAL_CLOSE_CODES = new Set<number>([1002, 1007, CLOSE_CODES.tooManyErrors, CLOSE_CODES.protocolNotSupported]);
const SESSION_ENDED = CLOSE_CODES.sessionEnded;

/**
 * Opens a WebSocket offering `syncline.1`, is `open` once `hello` arrives (and `closed`, for
 * good, when the server speaks another protocol major: close 4406, or a `hello` whose range
 * leaves out this client's), treats
 * 2 × heartbeatMs without a frame as a dead socket (browsers cannot see pings, protocol.md
 * §8), and reconnects with exponential backoff and full jitter.
 *
 * @example
 * const connection = createConnection({ url: 'ws://localhost:3000/live', onFrame: (frame) => console.log(frame) });
 * connection.onStateChange((state) => console.log(state.kind));
 */
export function createConnection(options: ConnectionOptions): Connection {
  let current: ConnectionState = { kind: 'connecting', attempt: 1 };
  let socket: SocketLike | undefined;
  let lastHello: HelloEvent | undefined;
  let timer: TimerHandle | undefined;
  const clock = options.clock ?? systemClock;
  let renewing: Promise<void> | undefined;
  // Bumped by renew(): a token read before the bump is stale.
  let credentials = 0;
  const listeners = new Set<ConnectionStateListener>();

  const setState = (next: ConnectionState): void => {
    current = next;
    for (const listener of [...listeners]) listener(next);
  };
  const setTimer = (ms: number, run: () => void): void => {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(run, ms);
  };

  /** Forgets the socket (its late events are ignored) and schedules the next attempt. */
  const lose = (reason: string, fatal = false, fresh = false): void => {
    const wasOpen = current.kind === 'open';
    const dead = socket;
    socket = undefined;
    clock.clearTimeout(timer);
    if (dead) {
      dead.onopen = dead.onmessage = dead.onclose = null;
      // `ws` emits an error when a socket is closed mid-handshake; a discarded socket's
      // errors have nowhere useful to go, but unheard they would crash the process.
      dead.onerror = () => {};
      if (dead.readyState <= 1) ignoreErrors(() => dead.close());
    }
    if (wasOpen) options.onDrop?.();
    if (current.kind === 'closed') return;
    if (fatal) return setState({ kind: 'closed', reason });
    // A fresh start is no failure: it neither grows the backoff nor moves towards a fallback.
    const attempt = fresh ? (current.kind === 'connecting' ? current.attempt : 1) : current.kind === 'connecting' ? current.attempt + 1 : 2;
    setState({ kind: 'connecting', attempt });
    setTimer(fresh ? 0 : backoffDelay(attempt, options), () => void connect(attempt));
  };

  const onMessage = (data: unknown): void => {
    const text = frameText(data);
    let frame: Downstream;
    try {
      if (text === undefined) throw new TypeError('binary frame from the server');
      frame = downstreamSchema.parse(parseJsonSafely(text, { maxDepth: 64 }));
    } catch (error) {
      options.onError?.(error);
      return;
    }
    if ('event' in frame && frame.event === 'hello') {
      // The subprotocol already pins the major; a server whose range leaves it out is not one to talk to.
      if (!speaksMajor(frame.protocol, PROTOCOL_MAJOR)) return lose(unsupported(`${frame.protocol.min}-${frame.protocol.max}`), true);
      lastHello = frame;
      setState({ kind: 'open' });
    }
    if (current.kind !== 'open') return;
    // Any frame proves the socket alive; silence for two heartbeats proves it dead.
    setTimer(2 * (lastHello?.heartbeatMs ?? 25_000), () => lose('no heartbeat'));
    if ('event' in frame && frame.event === 'hello') return;
    try {
      options.onFrame(frame);
    } catch (error) {
      // A throwing listener must not reach the socket library, where it could end the process.
      options.onError?.(error);
    }
  };

  const connect = async (attempt: number): Promise<void> => {
    if (current.kind !== 'connecting' || current.attempt !== attempt) return;
    let Ctor: SocketConstructor;
    try {
      Ctor = await resolveSocketConstructor(options.WebSocket);
    } catch (error) {
      options.onError?.(error);
      return lose('no WebSocket implementation', true);
    }
    let token: string | undefined;
    try {
      await renewing;
      renewing = undefined;
      let read: number;
      do {
        read = credentials;
        token = await options.token?.();
      } while (read !== credentials);
    } catch (error) {
      options.onError?.(error);
    }
    if (current.kind !== 'connecting' || current.attempt !== attempt) return;
    let created: SocketLike;
    try {
      created = new Ctor(options.url, token === undefined ? SUBPROTOCOL : [SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + token]);
    } catch (error) {
      options.onError?.(error);
      return lose('invalid WebSocket URL', true);
    }
    socket = created;
    created.onmessage = (event) => onMessage(event.data);
    created.onclose = (event) => {
      if (event.code === SESSION_ENDED && options.onSessionEnded) {
        renewing = Promise.resolve()
          .then(options.onSessionEnded)
          .catch((error: unknown) => options.onError?.(error));
      }
      if (event.code === CLOSE_CODES.protocolNotSupported) return lose(unsupported(event.reason.replace(/^supported: /, '') || 'unknown'), true);
      lose(`socket closed (${event.code})`, FATAL_CLOSE_CODES.has(event.code));
    };
    created.onerror = (event) => options.onError?.(event);
    setTimer(options.connectTimeoutMs ?? 10_000, () => lose('handshake timed out'));
  };

  void connect(1);
  return {
    state: () => current,
    hello: () => lastHello,
    onStateChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    send(text) {
      if (current.kind !== 'open' || !socket) return false;
      socket.send(text);
      return true;
    },
    drop: () => {
      if (current.kind !== 'closed') lose('dropped by the client');
    },
    renew() {
      credentials++;
      if (current.kind === 'closed' || (current.kind === 'connecting' && socket === undefined)) return;
      lose('new credentials', false, true);
    },
    close() {
      if (current.kind === 'closed') return;
      setState({ kind: 'closed', reason: 'closed by the client' });
      lose('closed by the client');
    },
  };
}

/** The `closed` reason when client and server share no protocol major (`versions`: what the server speaks). */
function unsupported(versions: string): string {
  return `protocol not supported: this client speaks ${PROTOCOL_VERSION}, the server ${versions}`;
}

function ignoreErrors(run: () => void): void {
  try {
    run();
  } catch {
    // The socket is being discarded either way.
  }
}
