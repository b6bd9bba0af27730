import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { describe, expect, it } from 'vitest';
import { conformanceItems, FIXTURE_DESCRIPTION } from '../src/fixture.js';
import { conformanceCases, formatResult, formatSummary, runConformance, type ConformanceReport } from '../src/index.js';

/** Our server with the fixture; with the built-in sign-in (scrypt made cheap) unless `signIn` is false. */
async function startServer({ signIn = true } = {}): Promise<Syncline & AsyncDisposable & { baseUrl: string }> {
  const syncline = await createSyncline({
    resources: [conformanceItems],
    storage: createSqliteStorage({ filename: ':memory:' }),
    ...(signIn ? { auth: createPasswordAuth({ scrypt: { N: 1024, r: 8, p: 1 } }) } : {}),
    onError: () => {},
  });
  const { port } = await syncline.listen(0, '127.0.0.1');
  return Object.assign(syncline, { baseUrl: `http://127.0.0.1:${port}`, [Symbol.asyncDispose]: () => syncline.close() });
}

/** A reverse proxy for plain HTTP that removes `header` from every answer: `etag` makes a server that breaks §4.3. */
async function headerStrippingProxy(target: string, header: string): Promise<AsyncDisposable & { baseUrl: string }> {
  const { hostname, port } = new URL(target);
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      delete headers[header];
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

const failures = (report: ConformanceReport) => report.results.filter((result) => !result.passed && result.skipped !== true).map(formatResult);

describe('the conformance suite', () => {
  it('passes every case against our server, over HTTP, the socket and event streams', async () => {
    await using server = await startServer();
    const report = await runConformance({ baseUrl: server.baseUrl });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.results.length);
    expect(report.skipped).toBe(0);
    expect(new Set(report.results.map((result) => result.group))).toEqual(new Set(['http', 'socket', 'event-stream']));
    expect(report.results.length).toBe(conformanceCases.length);
    // Each capability of §12 that a case checks ran here.
    expect(new Set(conformanceCases.flatMap((entry) => (entry.needs === undefined ? [] : [entry.needs])))).toEqual(new Set(['reconcile', 'presence', 'actions', 'idempotency', 'sign-in']));
  }, 60_000);

  it('skips the sign-in cases as not offered on a server without accounts, and passes the rest', async () => {
    await using server = await startServer({ signIn: false });
    const report = await runConformance({ baseUrl: server.baseUrl, only: ['http'] });
    expect(failures(report)).toEqual([]);
    const skipped = report.results.filter((result) => result.skipped === true);
    expect(skipped.map((result) => result.name)).toEqual(conformanceCases.filter((entry) => entry.needs === 'sign-in').map((entry) => entry.name));
    expect(skipped.every((result) => !result.passed && result.reason?.startsWith('not offered') === true)).toBe(true);
    expect(report.skipped).toBe(2);
    expect(report.failed).toBe(0);
    expect(formatSummary(report)).toBe(`all ${report.passed} cases passed; 2 skipped (not offered)`);
    expect(formatResult(skipped[0]!)).toMatch(/^skip  §4\.6/);
  }, 60_000);

  it('runs a case whose capability the server leaves out, when told the server offers it, and fails it', async () => {
    await using server = await startServer({ signIn: false });
    const report = await runConformance({ baseUrl: server.baseUrl, only: ['http'], capabilities: ['sign-in'] });
    const signIn = report.results.filter((result) => conformanceCases.find((entry) => entry.name === result.name)?.needs === 'sign-in');
    expect(signIn.map((result) => [result.passed, result.skipped ?? false])).toEqual([[false, false], [false, false]]);
  }, 60_000);

  it('documents the fixture and every case in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(JSON.stringify(FIXTURE_DESCRIPTION, null, 2));
    // One row per case, in the order they run: group, section, name (`<…>` in backticks, `|` escaped).
    const rows = readme.split('\n').filter((line) => /^\| (http|socket|event-stream) \|/.test(line));
    const documented = rows.map((line) => line.replaceAll('\\|', '\u0000').split(' | ').map((cell) => cell.replace(/^\| | \|$/g, '').replaceAll('`', '').replaceAll('\u0000', '|')));
    expect(documented).toEqual(conformanceCases.map((entry) => [entry.group, entry.section, entry.name]));
    expect(readme).toContain(`There are ${conformanceCases.length} cases.`);
  });

  it('fails the cases that read ETags against a server whose answers lose them', async () => {
    await using server = await startServer();
    await using proxy = await headerStrippingProxy(server.baseUrl, 'etag');
    // The proxy carries no upgrades: the HTTP cases that also open a socket wait 1 s, not 5, to fail.
    const report = await runConformance({ baseUrl: proxy.baseUrl, only: ['http'], waitMs: 1_000 });
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

  it('fails the idempotency replay case against a server whose replays do not say so', async () => {
    await using server = await startServer();
    await using proxy = await headerStrippingProxy(server.baseUrl, 'idempotency-replayed');
    const report = await runConformance({ baseUrl: proxy.baseUrl, only: ['http'], waitMs: 1_000 });
    const replay = conformanceCases.find((entry) => entry.needs === 'idempotency')!;
    const failed = report.results.filter((result) => !result.passed && result.skipped !== true);
    expect(failed.map((result) => result.name)).toContain(replay.name);
    expect(failed.find((result) => result.name === replay.name)).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('idempotency-replayed on the retry') });
    expect(report.results.find((result) => result.name.startsWith('the same Idempotency-Key with another body'))?.passed).toBe(true);
  }, 60_000);

  it('fails with timeout or error, never passes, when nothing serves the socket', async () => {
    await using server = await startServer();
    const report = await runConformance({ baseUrl: server.baseUrl, livePath: '/not-live', only: ['socket'], waitMs: 1_000 });
    expect(report.passed).toBe(0);
    expect(report.results.every((result) => result.reason !== undefined && result.reason !== '')).toBe(true);
  }, 60_000);
});
