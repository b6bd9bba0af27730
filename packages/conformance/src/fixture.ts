import { defineAction, defineResource } from '@syncline/schema';
import { z } from 'zod';

/** The name of the one resource the suite reads and writes. */
export const FIXTURE_RESOURCE = 'conformance-items';

/** The fixture's record action: `POST /conformance-items/<id>/mark` with `{"done": boolean}`. */
export const FIXTURE_ACTION = 'mark';

/**
 * The resource a server under test serves for the suite: `/conformance-items`, records
 * `{ title: string (1–200 characters), done: boolean (default false) }`, no read or write
 * rules, so anonymous callers may read and write, and no `signedIn`. One record action,
 * `mark` (`{"done": boolean}`, anyone), sets `done` and answers the record (protocol.md §4.7).
 *
 * @example
 * import { conformanceItems } from '@syncline/conformance/fixture';
 * const syncline = await createSyncline({ resources: [conformanceItems, ...mine], storage });
 */
export const conformanceItems = defineResource({
  name: FIXTURE_RESOURCE,
  schema: z.object({
    title: z.string().min(1).max(200),
    done: z.boolean().default(false),
  }),
  actions: {
    [FIXTURE_ACTION]: defineAction({
      input: z.object({ done: z.boolean() }),
      // Annotated: a handler that names its own resource's definition cannot have its type inferred.
      handler: async ({ record, input, tx }): Promise<void> => {
        await tx.update(conformanceItems, record.id, { done: input.done });
      },
    }),
  },
});

/**
 * The same contract as JSON, for implementers in other languages (the README prints it).
 * `fields` lists the resource's own fields in declaration order, after the system fields.
 */
export const FIXTURE_DESCRIPTION = {
  resource: FIXTURE_RESOURCE,
  anonymous: { read: true, write: true },
  fields: [
    { name: 'title', type: 'string', required: true, minLength: 1, maxLength: 200 },
    { name: 'done', type: 'boolean', required: false, default: false },
  ],
  actions: [{ name: FIXTURE_ACTION, on: 'record', input: [{ name: 'done', type: 'boolean', required: true }], allow: 'anyone', effect: 'sets the record\'s done; answers the record' }],
  limits: 'the defaults of docs/protocol.md §9 (frame size 1 MiB, 10 malformed frames in a row)',
} as const;
