/**
 * The slice of the WebSocket API the client calls, so a browser's `WebSocket`, the `ws`
 * package and a test double all fit (the driver is typed structurally).
 */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket`, `ws`'s default export, or a double.
 *
 * @example
 * import WebSocket from 'ws';
 * createClient({ url: 'http://localhost:3000', WebSocket: WebSocket as unknown as SocketConstructor });
 */
export type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

/**
 * The constructor to use: the one given, else the platform's, else `ws` loaded on demand
 * (a dynamic import, so a browser bundle never pulls `ws` in; Node 20 has no global one).
 */
export async function resolveSocketConstructor(given: SocketConstructor | undefined): Promise<SocketConstructor> {
  if (given) return given;
  const platform: unknown = (globalThis as { WebSocket?: unknown }).WebSocket;
  // Both have the shape of SocketLike; their declared handler types are only narrower.
  if (typeof platform === 'function') return platform as SocketConstructor;
  // A specifier bundlers cannot resolve statically: a browser bundle must not pull `ws` in
  // (its browser build only throws); Node resolves it at run time.
  const specifier = 'ws';
  const ws = (await import(/* @vite-ignore */ specifier)) as { default: unknown };
  return ws.default as SocketConstructor;
}

/** A frame's text: browsers and `ws` give strings for text frames; anything else is refused. */
export function frameText(data: unknown): string | undefined {
  return typeof data === 'string' ? data : undefined;
}
