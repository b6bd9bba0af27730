import type { FieldInfo } from '@syncline/schema';
import { CHANGES_TABLE, SEQ_TABLE } from '../sql/schema-ddl.js';
import type { ResourceTable } from '../sql/record-codec.js';
import { fitIdentifier } from './postgres-names.js';

/**
 * The setting that marks Syncline's own connections: every connection of the adapter's
 * pool starts with `-c syncline.writer=on`, and the triggers below step aside for them
 * (Syncline's `apply` already bumps the version and appends the change).
 */
export const WRITER_SETTING = 'syncline.writer';

/** The NOTIFY channel of one schema (channels are database-wide). */
export function notifyChannel(schema: string): string {
  return fitIdentifier(`syncline_${schema}`);
}

const id = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

const NOT_SYNCLINE = `coalesce(current_setting(${literal(WRITER_SETTING)}, true), '') <> 'on'`;
// The form of `new Date().toISOString()`: what Syncline writes for createdAt, updatedAt and `at`.
const NOW_ISO = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A row as the JSON `appendChange` writes for a Syncline write (`decodeRow`): every
 * column of the definition, none of the columns of removed fields, and SQL NULL as
 * `null`, or as an absent key for a field that is optional and not nullable.
 */
function rowJson(table: ResourceTable, row: 'NEW' | 'OLD'): string {
  const parts = [...table.columns].map(([name, info]: [string, FieldInfo]) => {
    const entry = `jsonb_build_object(${literal(name)}, ${row}.${id(name)})`;
    return info.nullable || !info.optional ? entry : `(CASE WHEN ${row}.${id(name)} IS NULL THEN '{}'::jsonb ELSE ${entry} END)`;
  });
  return parts.join('\n      || ');
}

/**
 * The DDL that routes writes made outside Syncline (psql, another service) through the
 * change log, as one script, idempotent:
 *
 * - a statement-level BEFORE trigger takes the `syncline_seq` row lock before any row is
 *   touched, the order Syncline's own writes take them in, so the two never deadlock
 *   over one statement;
 * - a BEFORE INSERT OR UPDATE row trigger takes the next seq from the counter row (seq
 *   order is commit order, as for Syncline's writes), sets `version` to it, fills `id`,
 *   `createdAt` and `updatedAt` when missing, and refuses a change of `id`;
 * - an AFTER row trigger appends the change (a delete takes its seq here) and notifies
 *   the schema's channel with the seq.
 *
 * @example
 * await client.query(outsideWriteTriggers('app', describeTable(todos)));
 */
export function outsideWriteTriggers(schema: string, table: ResourceTable): string {
  const qualified = (name: string) => `${id(schema)}.${id(name)}`;
  const tableName = qualified(table.name);
  const lockFn = qualified(fitIdentifier(`syncline_lock_seq`));
  const stampFn = qualified(fitIdentifier(`syncline_${table.name}__stamp`));
  const logFn = qualified(fitIdentifier(`syncline_${table.name}__log`));
  const seqTable = qualified(SEQ_TABLE);
  const nextSeq = `UPDATE ${seqTable} SET "value" = "value" + 1 WHERE "id" = 1 RETURNING "value"`;
  return `
CREATE OR REPLACE FUNCTION ${lockFn}() RETURNS trigger LANGUAGE plpgsql AS $syncline$
BEGIN
  IF ${NOT_SYNCLINE} THEN
    PERFORM 1 FROM ${seqTable} WHERE "id" = 1 FOR UPDATE;
  END IF;
  RETURN NULL;
END
$syncline$;

CREATE OR REPLACE FUNCTION ${stampFn}() RETURNS trigger LANGUAGE plpgsql AS $syncline$
DECLARE
  now_iso text := ${NOW_ISO};
BEGIN
  IF NOT (${NOT_SYNCLINE}) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW."id" IS DISTINCT FROM OLD."id" THEN
    RAISE EXCEPTION 'syncline: %.% cannot change the id of a record (delete it and insert another)', TG_TABLE_SCHEMA, TG_TABLE_NAME;
  END IF;
  ${nextSeq} INTO NEW."version";
  IF NEW."version" IS NULL THEN
    RAISE EXCEPTION 'syncline: % has no row', ${literal(SEQ_TABLE)};
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW."id" := coalesce(NEW."id", gen_random_uuid()::text);
    NEW."createdAt" := coalesce(NEW."createdAt", now_iso);
    NEW."updatedAt" := coalesce(NEW."updatedAt", now_iso);
  ELSIF NEW."updatedAt" IS NOT DISTINCT FROM OLD."updatedAt" THEN
    NEW."updatedAt" := now_iso;
  END IF;
  RETURN NEW;
END
$syncline$;

CREATE OR REPLACE FUNCTION ${logFn}() RETURNS trigger LANGUAGE plpgsql AS $syncline$
DECLARE
  change_seq bigint;
  after_json jsonb;
  before_json jsonb;
BEGIN
  IF NOT (${NOT_SYNCLINE}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    ${nextSeq} INTO change_seq;
  ELSE
    change_seq := NEW."version";
    after_json := ${rowJson(table, 'NEW')};
  END IF;
  IF TG_OP <> 'INSERT' THEN
    before_json := ${rowJson(table, 'OLD')};
  END IF;
  INSERT INTO ${qualified(CHANGES_TABLE)} ("seq", "resource", "record_id", "kind", "after", "before", "at")
  VALUES (
    change_seq,
    ${literal(table.name)},
    CASE WHEN TG_OP = 'DELETE' THEN OLD."id" ELSE NEW."id" END,
    CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
    after_json,
    before_json,
    ${NOW_ISO}
  );
  PERFORM pg_notify(${literal(notifyChannel(schema))}, change_seq::text);
  RETURN NULL;
END
$syncline$;

DROP TRIGGER IF EXISTS syncline_lock ON ${tableName};
CREATE TRIGGER syncline_lock BEFORE INSERT OR UPDATE OR DELETE ON ${tableName} FOR EACH STATEMENT EXECUTE FUNCTION ${lockFn}();
DROP TRIGGER IF EXISTS syncline_stamp ON ${tableName};
CREATE TRIGGER syncline_stamp BEFORE INSERT OR UPDATE ON ${tableName} FOR EACH ROW EXECUTE FUNCTION ${stampFn}();
DROP TRIGGER IF EXISTS syncline_log ON ${tableName};
CREATE TRIGGER syncline_log AFTER INSERT OR UPDATE OR DELETE ON ${tableName} FOR EACH ROW EXECUTE FUNCTION ${logFn}();
`;
}
