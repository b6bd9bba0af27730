import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Syncline } from '@syncline/server';
import { performAction } from './form-actions.js';
import { renderHomePage, renderListPage, renderNotFoundPage, type Notice } from './layout.js';
import { readListPage, readLists } from './page-data.js';
import { parseFormAction } from './routes.js';
import { STYLESHEET } from './stylesheet.js';

/** Options of {@link createPageHandler}. */
export interface PageHandlerOptions {
  readonly syncline: Syncline;
  /** The browser script's bundle (built once, at start). */
  readonly script: () => Promise<string>;
  readonly reportError?: (error: unknown, where: string) => void;
}

const MAX_FORM_BYTES = 64 * 1024;
const HTML = 'text/html; charset=utf-8';

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_FORM_BYTES) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(text)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** The page a form came from, when it is one of ours (for answers about a record that is gone). */
function sameOriginPage(req: IncomingMessage): string {
  const referer = req.headers.referer;
  if (referer === undefined) return '/';
  try {
    const url = new URL(referer);
    return url.host === req.headers.host && (url.pathname === '/' || url.pathname.startsWith('/app/lists/')) ? url.pathname : '/';
  } catch {
    return '/';
  }
}

/**
 * The app's own HTTP surface, given to `syncline.listen` as the fallback for every path that
 * is not a resource: HTML pages at `/` and `/app/lists/<id>`, their form posts (turned into
 * Syncline operations, answered 303 or, when refused, the page again with the message), and
 * the stylesheet and script. Programs keep using `/lists` and `/todos` as JSON.
 *
 * @example
 * await syncline.listen(3000, undefined, createPageHandler({ syncline, script: () => bundle }));
 */
export function createPageHandler(options: PageHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { syncline } = options;
  const reportError = options.reportError ?? ((error: unknown, where: string) => console.error(`[todo] ${where}:`, error));

  async function renderAt(path: string, status: number, notice?: Notice): Promise<{ status: number; body: string }> {
    if (path === '/') {
      const { items, seq } = await readLists(syncline);
      return { status, body: renderHomePage({ lists: items, seq, notice }) };
    }
    const listId = /^\/app\/lists\/([^/]+)$/.exec(path)?.[1];
    const data = listId === undefined ? undefined : await readListPage(syncline, decodeURIComponent(listId));
    if (data === undefined) return { status: 404, body: renderNotFoundPage(syncline.stats().seq) };
    return { status, body: renderListPage({ ...data, notice }) };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/assets/app.css') return send(res, 200, 'text/css; charset=utf-8', STYLESHEET, { 'cache-control': 'no-cache' });
    if (method === 'GET' && path === '/assets/app.js') return send(res, 200, 'text/javascript; charset=utf-8', await options.script(), { 'cache-control': 'no-cache' });
    if (method === 'GET' || method === 'HEAD') {
      const page = await renderAt(path, 200);
      // Pages change with every write: always revalidate (they carry the position they reflect).
      return send(res, page.status, HTML, page.body, { 'cache-control': 'no-cache' });
    }
    const action = method === 'POST' ? parseFormAction(path) : undefined;
    if (action === undefined) return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { allow: 'GET, HEAD' });
    const result = await performAction(syncline, action, await readForm(req), sameOriginPage(req));
    if (result.kind === 'redirect') {
      // 303: the browser follows with a GET, so reloading the page never re-posts the form (RFC 9110 §15.4.4).
      res.writeHead(303, { location: result.location, 'content-length': '0' });
      return void res.end();
    }
    const page = await renderAt(result.page, result.status, { message: result.message, values: result.values });
    send(res, page.status, HTML, page.body);
  }

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      reportError(error, `${req.method} ${req.url}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal server error');
      else res.destroy();
    });
  };
}
