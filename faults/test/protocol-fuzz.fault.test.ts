import fc from 'fast-check';
import { ERROR_STATUS, isErrorCode } from '@syncline/protocol';
import { uuidv7 } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { frameArbitrary, httpArbitrary } from '../src/frame-fuzz.js';
import { freePort } from '../src/free-port.js';
import { FuzzSocket } from '../src/fuzz-socket.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';

// Scenario 8: thousands of random and mutated frames and HTTP bodies against a real server
// process. No crash, no unhandled rejection, no 500, every answer a documented error code, and
// memory flat. The seed is printed; FAULT_SEED=<seed> replays a run.
const seed = Number(process.env['FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const FRAME_RUNS = 3000;
const HTTP_RUNS = 1000;

describe('protocol fuzzing', () => {
  it(`random and mutated frames and HTTP bodies get documented answers (seed ${seed})`, async () => {
    console.log(`[faults] protocol fuzzing seed ${seed} (FAULT_SEED=${seed} replays it)`);
    const server = await ServerProcess.start({
      DATABASE_URL: 'sqlite::memory:',
      PORT: String(await freePort()),
      SYNCLINE_MAX_MESSAGES_PER_SECOND: '1000000',
      SYNCLINE_MESSAGE_BURST: '1000000',
    });
    const problems: string[] = [];
    const socket = new FuzzSocket(server.port);
    try {
      const ids = [uuidv7(), uuidv7(), uuidv7()];
      for (const [index, id] of ids.slice(0, 2).entries()) {
        const response = await fetch(`${server.base}/entries/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writer: 'fuzz', n: index }) });
        expect(response.status).toBe(201);
      }
      const frames = frameArbitrary(ids);
      // Warm up before measuring memory (code paths compiled, pools filled).
      for (const frame of fc.sample(frames, { seed: seed + 1, numRuns: 200 })) problems.push(...(await socket.roundTrip(frame)));
      const rssBefore = (await server.rss()) ?? 0;
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(frames, async (frame) => {
          problems.push(...(await socket.roundTrip(frame)));
        }),
        { seed, numRuns: FRAME_RUNS, endOnFailure: true },
      );
      let httpAnswers = 0;
      await fc.assert(
        fc.asyncProperty(httpArbitrary(ids), async ({ method, path, contentType, body }) => {
          const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
          const response = await fetch(`${server.base}${path}`, {
            method,
            headers: withBody && contentType !== '' ? { 'content-type': contentType } : {},
            ...(withBody ? { body: new Uint8Array(body) } : {}),
          }).catch((error: unknown) => {
            problems.push(`HTTP ${method} ${path}: no answer (${String(error)})`);
            return undefined;
          });
          if (!response) return;
          httpAnswers++;
          const text = await response.text();
          if (response.status === 500) problems.push(`HTTP ${method} ${path}: 500 ${text.slice(0, 200)}`);
          if (response.status >= 400 && method !== 'HEAD' && (response.headers.get('content-type') ?? '').includes('problem+json')) {
            let code: unknown;
            try {
              code = (JSON.parse(text) as { code?: unknown }).code;
            } catch {
              code = `unreadable body ${text.slice(0, 100)}`;
            }
            if (!isErrorCode(code) || ERROR_STATUS[code] !== response.status) problems.push(`HTTP ${method} ${path}: ${response.status} with code ${String(code)}`);
          }
        }),
        { seed, numRuns: HTTP_RUNS, endOnFailure: true },
      );
      const elapsedMs = Date.now() - started;
      const rssAfter = (await server.rss()) ?? 0;
      const alive = await fetch(`${server.base}/entries?limit=1`);
      const growthMiB = Math.round((rssAfter - rssBefore) / 2 ** 20);
      const internalReports = (server.reports().match(/\] pipeline:/g) ?? []).length;
      recordResult({
        scenario: 'Protocol fuzzing (frames and HTTP bodies)',
        passed: problems.length === 0 && server.unexpectedExits.length === 0 && internalReports === 0,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: null,
        memoryMiB: Math.round(rssAfter / 2 ** 20),
        notes: `seed ${seed}; ${FRAME_RUNS} frame cases (${socket.answered} frames answered, closes ${JSON.stringify(socket.closes)}), ${httpAnswers} HTTP requests, in ${elapsedMs} ms; ${problems.length} undocumented answers; memory ${growthMiB >= 0 ? '+' : ''}${growthMiB} MiB over the run`,
      });
      expect(problems.slice(0, 10)).toEqual([]);
      expect(alive.status).toBe(200);
      expect(server.unexpectedExits).toEqual([]);
      expect(internalReports).toBe(0);
      expect(growthMiB).toBeLessThan(64);
    } finally {
      socket.close();
      await server.stop();
    }
  });
});
