// The fan-out matches in memory what storage selects in SQL; this checks the two agree by
// running random filters through SQLite, translated directly (`=`, `<>`, `IN`, `NOT`, …), on
// whichever driver loads here (better-sqlite3, or node:sqlite where the addon cannot load).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Condition, Filter, Scalar } from '@syncline/schema';
import { matchesFilter } from '@syncline/schema';
import { loadSqliteDriver } from '../../src/storage/sqlite/index.js';

const db = (await loadSqliteDriver('auto')).open(':memory:');
db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, s TEXT, n INTEGER, b INTEGER, tags TEXT)');
afterAll(() => db.close());

const bind = (value: Scalar): string | number | null => (typeof value === 'boolean' ? Number(value) : value);

function toSql(filter: Filter, params: Array<string | number | null>): string {
  if ('field' in filter) {
    const { field, op, value } = filter;
    const column = `"${field}"`;
    if (op === 'in') {
      const list = value as readonly Scalar[];
      params.push(...list.map(bind));
      return `${column} IN (${list.map(() => '?').join(', ')})`;
    }
    const scalar = value as Scalar;
    if (op === 'eq' && scalar === null) return `${column} IS NULL`;
    if (op === 'ne' && scalar === null) return `${column} IS NOT NULL`;
    params.push(bind(scalar));
    if (op === 'contains') return `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)`;
    const sqlOp = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
    return `${column} ${sqlOp} ?`;
  }
  if ('not' in filter) return `NOT (${toSql(filter.not, params)})`;
  const [operands, joiner, empty] = 'and' in filter ? [filter.and, ' AND ', '1'] : [filter.or, ' OR ', '0'];
  return operands.length === 0 ? empty : `(${operands.map((f) => toSql(f, params)).join(joiner)})`;
}

// Type-correct conditions, as the query parser and rules produce them.
const str = fc.constantFrom('a', 'B', '', '\uFFFD', '😀');
const int = fc.integer({ min: -2, max: 2 });
const orNull = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 4 });
const scalarCondition = (field: string, value: fc.Arbitrary<Scalar>, ops: Condition['op'][]): fc.Arbitrary<Condition> =>
  fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom(...ops), value: orNull(value) }),
    fc.record({ field: fc.constant(field), op: fc.constant<Condition['op']>('in'), value: fc.array(orNull(value), { maxLength: 3 }) }),
  );
const condition: fc.Arbitrary<Condition> = fc.oneof(
  scalarCondition('s', str, ['eq', 'ne', 'gt', 'gte', 'lt', 'lte']),
  scalarCondition('n', int, ['eq', 'ne', 'gt', 'gte', 'lt', 'lte']),
  scalarCondition('b', fc.boolean(), ['eq', 'ne']),
  fc.record({ field: fc.constant('tags'), op: fc.constantFrom<Condition['op']>('eq', 'ne'), value: fc.constant(null) }),
  fc.record({ field: fc.constant('tags'), op: fc.constant<Condition['op']>('contains'), value: orNull(str) }),
);
const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.array(tie('filter'), { maxLength: 3 }).map((and): Filter => ({ and })),
    fc.array(tie('filter'), { maxLength: 3 }).map((or): Filter => ({ or })),
    tie('filter').map((f): Filter => ({ not: f })),
  ),
}));
const record = fc.record(
  { s: orNull(str), n: orNull(int), b: orNull(fc.boolean()), tags: orNull(fc.array(str, { maxLength: 3 })) },
  { requiredKeys: [] }, // a missing field is stored as NULL
);

describe('matchesFilter agrees with SQLite', () => {
  it('selects the same records as a direct SQL translation (property)', () => {
    const insert = db.prepare('INSERT INTO t (id, s, n, b, tags) VALUES (?, ?, ?, ?, ?)');
    fc.assert(
      fc.property(filter, fc.array(record, { maxLength: 8 }), (f, records) => {
        db.exec('DELETE FROM t');
        records.forEach((r, i) => insert.run([String(i), r.s ?? null, r.n ?? null, bind(r.b ?? null), r.tags == null ? null : JSON.stringify(r.tags)]));
        const params: Array<string | number | null> = [];
        const rows = db.prepare(`SELECT id FROM t WHERE ${toSql(f, params)} ORDER BY id`).all(params) as Array<{ id: string }>;
        const expected = records.flatMap((r, i) => (matchesFilter(f, r) ? [String(i)] : [])).sort();
        expect(rows.map((row) => row.id)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
