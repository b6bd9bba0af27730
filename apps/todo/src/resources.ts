import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/**
 * The TODO demo's resources. This module imports no server code: the browser client
 * imports the same definitions for its types and validation.
 */
export const lists = defineResource({
  name: 'lists',
  schema: z.object({
    title: z.string().trim().min(1).max(200),
  }),
  indexes: [['createdAt']],
});

export const todos = defineResource({
  name: 'todos',
  schema: z.object({
    title: z.string().trim().min(1).max(500),
    done: z.boolean().default(false),
    /** The list this todo belongs to; deleting the list deletes its todos. */
    list: z.string(),
    /** Position within the list (ascending). */
    order: z.number().default(0),
  }),
  references: { list: { resource: 'lists', onDelete: 'cascade' } },
  indexes: [['list', 'order']],
});

export const resources = [lists, todos];
