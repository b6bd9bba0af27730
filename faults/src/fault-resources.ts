import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/**
 * The one resource the fault scenarios write: each entry names the writer that made it and
 * that writer's counter `n`, so the history checker can tell every acknowledged write apart
 * and see one applied twice. A writer's "tally" entry is updated in place (its `n` only grows).
 *
 * @example
 * await fetch(`${base}/entries/${uuidv7()}`, { method: 'PUT', body: JSON.stringify({ writer: 'w1', n: 1 }) });
 */
export const entries = defineResource({
  name: 'entries',
  // `text` pads an entry when a scenario needs large events (the slow consumer).
  schema: z.object({ writer: z.string().min(1).max(64), n: z.number().int().nonnegative(), text: z.string().max(65_536).default('') }),
  indexes: [['writer', 'n']],
});

export const faultResources = [entries];
