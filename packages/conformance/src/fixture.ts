import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/** The name of the one resource the suite reads and writes. */
export const FIXTURE_RESOURCE = 'conformance-items';

/**
 * The resource a server under test serves for the suite: `/conformance-items`, records
 * `{ title: string (1–200 characters), done: boolean (default false) }`, no read or write
 * rules, so anonymous callers may read and write, and no `signedIn`.
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
  limits: 'the defaults of docs/protocol.md §9 (frame size 1 MiB, 10 malformed frames in a row)',
} as const;
