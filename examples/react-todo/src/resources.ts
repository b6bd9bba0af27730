import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/** The example's one resource, shared by the server and the browser: `/items`, `/items/<id>`. */
export const items = defineResource({
  name: 'items',
  schema: z.object({
    title: z.string().trim().min(1).max(100),
    done: z.boolean().default(false),
  }),
});
