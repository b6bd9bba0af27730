import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { describe, expect, it } from 'vitest';
import { conformanceItems } from '../src/fixture.js';
import { formatResult, runConformance, type ConformanceReport } from '../src/index.js';

async function startServer(): Promise<Syncline & AsyncDisposable & { baseUrl: string }> {
  const syncline = await createSyncline({ resources: [conformanceItems], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
  const { port } = await syncline.listen(0, '127.0.0.1');
  return Object.assign(syncline, { baseUrl: `http://127.0.0.1:${port}`, [Symbol.asyncDispose]: () => syncline.close() });
}

/** A reverse proxy for plain HTTP that removes `ETag` from every answer: a server that breaks §4.3. */
async function etagStrippingProxy(target: string): Promise<AsyncDisposable & { baseUrl: string }> {
  const { hostname, port } = new URL(target);
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      delete headers['etag'];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const failures = (report: ConformanceReport) => report.results.filter((result) => !result.passed).map(formatResult);

describe('the conformance suite', () => {
  it('passes every case against our server, over HTTP, the socket and event streams', async () => {
    await using server = await startServer();
    const report = await runConformance({ baseUrl: server.baseUrl });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.results.length);
    expect(new Set(report.results.map((result) => result.group))).toEqual(new Set(['http', 'socket', 'event-stream']));
    expect(report.results.length).toBeGreaterThanOrEqual(25);
  }, 60_000);

  it('fails the cases that read ETags against a server whose answers lose them', async () => {
    await using server = await startServer();
    await using proxy = await etagStrippingProxy(server.baseUrl);
    const report = await runConformance({ baseUrl: proxy.baseUrl, only: ['http'] });
    const failed = report.results.filter((result) => !result.passed);
    expect(failed.map((result) => result.name)).toEqual(
      expect.arrayContaining([
        'POST on a collection creates a record: 201 with Location, ETag and the record',
        'GET of a record answers its ETag, Cache-Control: no-cache and the position it reflects',
        'GET with a matching If-None-Match answers 304 with ETag and Syncline-Seq and no body',
      ]),
    );
    const create = failed.find((result) => result.name.startsWith('POST on a collection'));
    expect(create).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('ETag') });
    // What does not read an ETag still passes: the failures point at the fault.
    expect(report.results.find((result) => result.name.startsWith('an unknown resource'))?.passed).toBe(true);
    expect(report.failed).toBeLessThan(report.results.length);
  }, 60_000);

  it('fails with timeout or error, never passes, when nothing serves the socket', async () => {
    await using server = await startServer();
    const report = await runConformance({ baseUrl: server.baseUrl, livePath: '/not-live', only: ['socket'], waitMs: 1_000 });
    expect(report.passed).toBe(0);
    expect(report.results.every((result) => result.reason !== undefined && result.reason !== '')).toBe(true);
  }, 60_000);
});
