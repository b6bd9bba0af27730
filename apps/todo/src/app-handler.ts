import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Syncline } from '@syncline/server';
import { isForm, prefersHtml } from '@syncline/demo-kit/http';
import type { PageHandler } from './pages/page-handler.js';
import { parseResourcePath } from './pages/routes.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Another app served beside the TODO app (the polls): the paths it owns, and how it answers them; `api` is Syncline's JSON API. */
export interface MountedApp {
  owns(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, api: Listener): void;
}

/**
 * The app's HTTP handler: one URL per resource, for browsers and programs alike. At a resource
 * URL (`/lists`, `/lists/<id>`, `/todos`, `/todos/<id>`), a GET or HEAD that prefers HTML gets
 * the page (or, signed out, a 303 to the sign-in page), a posted form (`_method` for PUT,
 * PATCH, DELETE) runs as that operation and redirects, and everything else is Syncline's JSON
 * API, unchanged (401 when signed out). Those answers carry `Vary: Accept`. Forms posted to
 * `/session` and `/users` sign in, out (`_method=DELETE`) and up; JSON there is the server's
 * own sign-in API. Paths a mounted app owns (the polls app's `/polls…`) are that app's. Other
 * paths (`/`, `/sign-in`, `/sign-up`, `/assets/*`) are the pages' own.
 *
 * @example
 * const server = http.createServer(createAppHandler(syncline, createPageHandler({ syncline, script })));
 * syncline.attach(server);
 */
export function createAppHandler(syncline: Syncline, pages: PageHandler, apps: readonly MountedApp[] = []): Listener {
  const api = syncline.listener(pages.other);
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const app = apps.find((candidate) => candidate.owns(path));
    if (app !== undefined) return app.handle(req, res, api);
    // The sign-in, sign-out and sign-up forms post to the authentication's own URLs; JSON there is the server's.
    if ((path === '/session' || path === '/users') && req.method === 'POST' && isForm(req)) return pages.account(req, res);
    if (parseResourcePath(path) === undefined) return api(req, res);
    // Merged into the API's own headers by its writeHead, so its JSON answers vary too.
    res.setHeader('vary', 'Accept');
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && prefersHtml(req.headers.accept)) return pages.page(req, res);
    if (method === 'POST' && isForm(req)) return pages.form(req, res);
    return api(req, res);
  };
}
