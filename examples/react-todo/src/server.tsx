import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createClient } from '@syncline/client';
import { SynclineProvider } from '@syncline/react';
import { createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './app.js';
import { items } from './resources.js';

const ENTRY = fileURLToPath(new URL('./browser.tsx', import.meta.url));

/** The page script (React, `@syncline/react`, `@syncline/client` and the definitions), bundled in memory. */
export async function bundleScript(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@syncline/source'], // the packages' TypeScript sources, not their build
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}

/**
 * The page, rendered on the server: the hooks render their loading state and open nothing (the
 * client given here is never called; one over HTTP would not connect even if it were).
 */
export function renderPage(): string {
  const client = createClient({ url: 'http://localhost', transport: 'http' });
  const html = renderToString(
    <StrictMode>
      <SynclineProvider client={client}>
        <App />
      </SynclineProvider>
    </StrictMode>,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,"><title>Items · Syncline with React</title></head>
<body><div id="root">${html}</div><script type="module" src="/assets/app.js"></script></body>
</html>`;
}

export interface ExampleServer {
  readonly syncline: Syncline;
  readonly port: number;
  close(): Promise<void>;
}

/** Syncline on in-memory SQLite with `/items`, plus the page at `/` and its script at `/assets/app.js`. */
export async function startExample(port = 0, host = '127.0.0.1'): Promise<ExampleServer> {
  const syncline = await createSyncline({ resources: [items], storage: createSqliteStorage({ filename: ':memory:' }) });
  let script: Promise<string> | undefined;
  const fallback = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(renderPage());
    } else if (req.method === 'GET' && path === '/assets/app.js') {
      script ??= bundleScript();
      script.then(
        (text) => res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  };
  const listening = await syncline.listen(port, host, { fallback });
  return { syncline, port: listening.port, close: () => syncline.close() };
}
