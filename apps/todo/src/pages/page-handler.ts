import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Syncline } from '@syncline/server';
import { performAction } from './form-actions.js';
import { renderHomePage, renderListPage, renderNotFoundPage, type Notice } from './layout.js';
import { readListPage, readLists, readOne } from './page-data.js';
import { allowedFormMethods, formMethod, listPath, parseFormAction, parseResourcePath } from './routes.js';
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
    return url.host === req.headers.host && isPagePath(url.pathname) ? url.pathname : '/';
  } catch {
    return '/';
  }
}

/** The paths that render a page: the home page (`/` and `/lists`) and a list's page (`/lists/<id>`). */
function isPagePath(path: string): boolean {
  return path === '/' || parseResourcePath(path)?.resource === 'lists';
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The app's HTML surface, in the three parts the request router (`app-handler.ts`) hands requests to. */
export interface PageHandler {
  /** Every path that is not a resource: the home page at `/`, the stylesheet and script, a 404 page otherwise. */
  readonly other: Listener;
  /** A GET or HEAD of a resource URL from a browser (`Accept` prefers HTML): its page. */
  readonly page: Listener;
  /** A form posted to a resource URL: the operation, then 303 to the page (or the page again with the message). */
  readonly form: Listener;
}

/**
 * The app's HTML surface: pages for the resource URLs (`/lists` and `/` list every list,
 * `/lists/<id>` shows one, `/todos/<id>` leads to its list), the forms posted to those URLs
 * (turned into Syncline operations, answered 303 or, when refused, the page again with the
 * message), and the stylesheet and script. Programs keep getting JSON at the same URLs.
 *
 * @example
 * const pages = createPageHandler({ syncline, script: () => bundle });
 * http.createServer(createAppHandler(syncline, pages));
 */
export function createPageHandler(options: PageHandlerOptions): PageHandler {
  const { syncline } = options;
  const reportError = options.reportError ?? ((error: unknown, where: string) => console.error(`[todo] ${where}:`, error));

  async function renderAt(path: string, status: number, notice?: Notice): Promise<{ status: number; body: string }> {
    const target = parseResourcePath(path);
    if (path === '/' || (target?.resource === 'lists' && target.id === undefined)) {
      const { items, seq } = await readLists(syncline);
      return { status, body: renderHomePage({ lists: items, seq, notice }) };
    }
    const data = target?.resource === 'lists' && target.id !== undefined ? await readListPage(syncline, target.id) : undefined;
    if (data === undefined) return { status: 404, body: renderNotFoundPage(syncline.stats().seq) };
    return { status, body: renderListPage({ ...data, notice }) };
  }

  async function sendPage(res: ServerResponse, path: string): Promise<void> {
    const page = await renderAt(path, 200);
    // Pages change with every write: always revalidate (they carry the position they reflect).
    send(res, page.status, HTML, page.body, { 'cache-control': 'no-cache' });
  }

  const redirect = (res: ServerResponse, location: string): void => {
    // 303: the browser follows with a GET, so reloading the page never re-posts the form (RFC 9110 §15.4.4).
    res.writeHead(303, { location, 'content-length': '0' });
    res.end();
  };

  async function other(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/assets/app.css') return send(res, 200, 'text/css; charset=utf-8', STYLESHEET, { 'cache-control': 'no-cache' });
    if (method === 'GET' && path === '/assets/app.js') return send(res, 200, 'text/javascript; charset=utf-8', await options.script(), { 'cache-control': 'no-cache' });
    if (method === 'GET' || method === 'HEAD') return sendPage(res, path);
    send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { allow: 'GET, HEAD' });
  }

  async function page(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = parseResourcePath(url.pathname);
    if (target?.resource !== 'todos') return sendPage(res, url.pathname);
    // Todos have no page of their own: a todo leads to its list's page, the collection to the list it is filtered by.
    if (target.id === undefined) {
      const list = url.searchParams.get('list');
      return redirect(res, list ? listPath(list) : '/');
    }
    const { record } = await readOne<{ list: string }>(syncline, `/todos/${encodeURIComponent(target.id)}`);
    if (record !== undefined) return redirect(res, listPath(record.list));
    send(res, 404, HTML, renderNotFoundPage(syncline.stats().seq), { 'cache-control': 'no-cache' });
  }

  async function form(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fields = await readForm(req);
    const method = formMethod(fields);
    const action = method === undefined ? undefined : parseFormAction(path, method, fields);
    if (action === undefined) {
      const allow = allowedFormMethods(parseResourcePath(path) ?? { resource: 'lists' });
      // A method this URL does not take is 405; a right method with fields that name no change is 400.
      if (method === undefined || !allow.split(', ').includes(method)) return send(res, 405, 'text/plain; charset=utf-8', `Forms cannot ${method ?? 'do that'} here.`, { allow });
      return send(res, 400, 'text/plain; charset=utf-8', 'This form does not name a change of this resource.');
    }
    const result = await performAction(syncline, action, fields, sameOriginPage(req));
    if (result.kind === 'redirect') return redirect(res, result.location);
    const refused = await renderAt(result.page, result.status, { message: result.message, values: result.values });
    send(res, refused.status, HTML, refused.body);
  }

  const guard =
    (serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Listener =>
    (req, res) => {
      serve(req, res).catch((error: unknown) => {
        reportError(error, `${req.method} ${req.url}`);
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal server error');
        else res.destroy();
      });
    };
  return { other: guard(other), page: guard(page), form: guard(form) };
}
