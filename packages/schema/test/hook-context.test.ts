/**
 * Hooks receive the write's cause beside the caller's context. `tsc` (npm run typecheck)
 * checks the types below; the `@ts-expect-error` line proves a misspelt cause is refused.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { HookContext, RequestContext, WriteCause } from '../src/context.js';
import { defineResource } from '../src/define-resource.js';

const schema = z.object({ title: z.string() });

describe('hook context', () => {
  it('gives hooks the cause of the write, one of four', () => {
    expectTypeOf<WriteCause>().toEqualTypeOf<'request' | 'action' | 'cascade' | 'inherit'>();
    const causes: WriteCause[] = [];
    const notes = defineResource({
      name: 'notes',
      schema,
      hooks: {
        afterDelete: (ctx) => {
          expectTypeOf(ctx).toEqualTypeOf<HookContext>();
          // @ts-expect-error: no such cause
          if (ctx.cause === 'cascaded') causes.push(ctx.cause);
          causes.push(ctx.cause);
        },
      },
    });
    void notes.hooks.afterDelete?.({ transport: 'internal', cause: 'cascade' }, { id: 'n1', createdAt: '', updatedAt: '', version: 1, title: 't' });
    expect(causes).toEqual(['cascade']);
  });

  it('keeps hooks written against RequestContext alone compiling (the cause is additive)', () => {
    const seen: string[] = [];
    const byCaller = (ctx: RequestContext, data: { title: string }): void => {
      seen.push(`${ctx.transport}:${data.title}`);
    };
    const notes = defineResource({ name: 'notes', schema, hooks: { beforeCreate: byCaller } });
    void notes.hooks.beforeCreate?.({ transport: 'http', cause: 'request' }, { title: 'a' }, { get: async () => undefined });
    expect(seen).toEqual(['http:a']);
  });
});
