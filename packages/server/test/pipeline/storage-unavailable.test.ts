import { describe, expect, it } from 'vitest';
import { errorOutcome, isStorageUnavailable } from '../../src/pipeline/error-outcome.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('a database that is away answers 503 unavailable with retry-after, never 500', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['admin shutdown (a restart)', withCode('terminating connection due to administrator command', '57P01')],
    ['starting up', withCode('the database system is starting up', '57P03')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['SQLite lock held past the busy timeout', withCode('database is locked', 'SQLITE_BUSY')],
    ['pg: connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['pg: broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['every address refused', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed')],
    ['wrapped in a cause', new Error('write failed', { cause: withCode('connection reset', 'ECONNRESET') })],
  ])('%s', (_name, error) => {
    const reported: string[] = [];
    const outcome = errorOutcome(error, '/todos', (_error, where) => reported.push(where));
    expect(isStorageUnavailable(error)).toBe(true);
    expect(outcome.status).toBe(503);
    expect(outcome.headers['retry-after']).toBe('1');
    expect(outcome.body).toMatchObject({ code: 'unavailable', status: 503, instance: '/todos' });
    expect(JSON.stringify(outcome.body)).not.toContain(error.message);
    expect(reported).toEqual(['storage unavailable (answered 503)']);
  });

  it('other errors stay 500 internal without internals', () => {
    for (const error of [new Error('boom'), withCode('duplicate key', '23505'), withCode('no such table', 'SQLITE_ERROR'), 'a string', null]) {
      const outcome = errorOutcome(error, undefined, () => undefined);
      expect(isStorageUnavailable(error)).toBe(false);
      expect(outcome.status).toBe(500);
      expect(outcome.body).toMatchObject({ code: 'internal' });
    }
  });
});
