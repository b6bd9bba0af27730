import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers a hand-written server's write: the record as JSON with its ETag, or 404. */
export function answerRecord(res: ServerResponse, record: Record<string, unknown> | undefined): void {
  if (!record) return void res.writeHead(404).end();
  const text = JSON.stringify(record);
  res.writeHead(200, { 'content-type': 'application/json', etag: `"${String(record['version'])}"`, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The request handler of the hand-written servers' one route, `PATCH /items/<id>` with a JSON
 * object: 404 for anything else, 400 for a body that is not JSON, 422 for one that is not an
 * object; `patch` answers the rest.
 */
export function patchRoute(patch: (id: string, body: Record<string, unknown>, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const match = /^\/items\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    if (req.method !== 'PATCH' || !match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const id = match[1];
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        res.writeHead(422).end();
        return;
      }
      patch(id, body as Record<string, unknown>, res);
    });
  };
}
