// Serves Syncline on a port with the runtime's own HTTP server and WebSocket (Deno.serve and
// Deno.upgradeWebSocket, Bun.serve and its websocket handlers; on Node, syncline.listen with
// `ws`), then talks to it as a client would: an HTTP write, an event stream over the network,
// and a socket (hello, a request, a pushed change). One line per check; non-zero exit on failure.
//   deno run -A --unstable-sloppy-imports --conditions=@syncline/source scripts/serve-runtime-smoke.ts
//   bun --conditions=@syncline/source scripts/serve-runtime-smoke.ts
//   node --conditions=@syncline/source --import tsx scripts/serve-runtime-smoke.ts
import { defineResource } from '@syncline/schema';
import { createSyncline, type SocketHost, type SocketListener, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { z } from 'zod';
import { check, runtime, streamText } from './runtime-smoke-support.js';

declare const Deno: any;
declare const Bun: any;


/** Deno's server-side WebSocket as a SocketHost: it has no ping of its own (`idleTimeout` keeps the connection alive). */
function denoHost(socket: any, listener: () => SocketListener | undefined): SocketHost {
  return {
    get open() {
      return socket.readyState === 1;
    },
    get bufferedAmount() {
      return socket.bufferedAmount ?? 0;
    },
    send: (text) => socket.send(text),
    close: (code, reason) => socket.readyState <= 1 && socket.close(code, reason),
    ping: () => listener()?.pong(),
    terminate: () => socket.close(),
  };
}

/** Bun's ServerWebSocket as a SocketHost. */
function bunHost(ws: any): SocketHost {
  return {
    get open() {
      return ws.readyState === 1;
    },
    get bufferedAmount() {
      return ws.getBufferedAmount();
    },
    send: (text) => void ws.send(text),
    close: (code, reason) => ws.readyState <= 1 && ws.close(code, reason),
    ping: () => void ws.ping(),
    terminate: () => ws.terminate(),
  };
}

async function serveDeno(syncline: Syncline): Promise<{ port: number; stop(): Promise<void> }> {
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request: Request, info: any) => {
    const remoteAddress = info.remoteAddr.hostname;
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return syncline.fetch(request, { remoteAddress });
    const admission = await syncline.upgrade({ url: new URL(request.url).pathname, headers: Object.fromEntries(request.headers), remoteAddress });
    if (!admission.accepted) return new Response(null, { status: admission.status, headers: admission.headers });
    const { socket, response } = Deno.upgradeWebSocket(request, admission.protocol === undefined ? {} : { protocol: admission.protocol });
    let listener: SocketListener | undefined;
    socket.onopen = () => (listener = admission.accept(denoHost(socket, () => listener)));
    socket.onmessage = (event: MessageEvent) => listener?.message(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
    socket.onclose = () => listener?.close();
    socket.onerror = (event: Event) => listener?.error(event);
    return response;
  });
  return { port: server.addr.port, stop: () => server.shutdown() };
}

async function serveBun(syncline: Syncline): Promise<{ port: number; stop(): Promise<void> }> {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request: Request, server: any) {
      const remoteAddress = server.requestIP(request)?.address;
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return syncline.fetch(request, { remoteAddress });
      const admission = await syncline.upgrade({ url: new URL(request.url).pathname, headers: Object.fromEntries(request.headers), remoteAddress });
      if (!admission.accepted) return new Response(null, { status: admission.status, headers: admission.headers });
      const headers = admission.protocol === undefined ? {} : { 'sec-websocket-protocol': admission.protocol };
      if (server.upgrade(request, { headers, data: { admission } })) return undefined;
      admission.cancel();
      return new Response(null, { status: 400 });
    },
    websocket: {
      open: (ws: any) => void (ws.data.listener = ws.data.admission.accept(bunHost(ws))),
      message: (ws: any, message: string | Uint8Array) => ws.data.listener?.message(message),
      pong: (ws: any) => ws.data.listener?.pong(),
      close: (ws: any) => ws.data.listener?.close(),
    },
  });
  return { port: server.port, stop: async () => server.stop(true) };
}

async function serveNode(syncline: Syncline): Promise<{ port: number; stop(): Promise<void> }> {
  const { port } = await syncline.listen(0, '127.0.0.1');
  return { port, stop: async () => {} };
}

const notes = defineResource({ name: 'notes', schema: z.object({ text: z.string() }) });
const syncline = await createSyncline({ resources: [notes], storage: createSqliteStorage({ filename: ':memory:' }), onError: (error, where) => console.error(where, error) });
const served = await (runtime === 'deno' ? serveDeno : runtime === 'bun' ? serveBun : serveNode)(syncline);
const base = `http://127.0.0.1:${served.port}`;

const created = await fetch(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hello"}' });
check('POST over the network answers 201', created.status === 201, String(created.status));
check('with the security headers', created.headers.get('x-frame-options') === 'DENY');

const stream = await fetch(`${base}/notes`, { headers: { accept: 'text/event-stream' } });
check('an event stream starts over the network', stream.status === 200 && stream.headers.get('content-type') === 'text/event-stream');
const events = streamText(stream.body!);
await events.until('event: snapshot');
check('its snapshot arrives', true);

const socket = new WebSocket(`ws://127.0.0.1:${served.port}/live`, 'syncline.1');
const frames: any[] = [];
const arrived = (test: (frame: any) => boolean): Promise<any> =>
  new Promise((resolve, reject) => {
    const seen = frames.find(test);
    if (seen) return resolve(seen);
    const timer = setTimeout(() => reject(new Error('no such frame')), 5_000);
    socket.addEventListener('message', function wait() {
      const frame = frames.find(test);
      if (frame === undefined) return;
      clearTimeout(timer);
      socket.removeEventListener('message', wait);
      resolve(frame);
    });
  });
socket.addEventListener('message', (event) => frames.push(JSON.parse(String(event.data))));
const hello = await arrived((frame) => frame.event === 'hello');
check('the socket says hello', hello.protocol !== undefined, `protocol ${socket.protocol}`);
socket.send(JSON.stringify({ id: 1, method: 'SUBSCRIBE', resource: '/notes' }));
const subscribed = await arrived((frame) => frame.id === 1);
check('a SUBSCRIBE is answered on the socket', subscribed.status === 200 && subscribed.body.items.length === 1);

await fetch(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"second"}' });
await syncline.flush();
const change = await arrived((frame) => frame.event === 'change');
check('the socket is pushed the change', change.body.text === 'second');
await events.until('"second"');
check('the event stream is pushed the change', true);

await events.cancel();
socket.close(1000, 'done');
for (let i = 0; i < 100 && syncline.stats().streams + syncline.stats().connections > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
check('the stream and the socket are freed on the server', syncline.stats().streams === 0 && syncline.stats().connections === 0, JSON.stringify(syncline.stats()));
await served.stop();
await syncline.close();
check('closes', true);
process.exit(0);
