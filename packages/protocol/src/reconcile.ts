import { z } from 'zod';

/** The URI of the batch reconcile request. Resource names start with a letter, so `_` never names one. */
export const RECONCILE_PATH = '/_reconcile';

/** The most entries one reconcile request may carry by default (`SYNCLINE_RECONCILE_MAX_ENTRIES`). */
export const DEFAULT_RECONCILE_MAX_ENTRIES = 1000;

/**
 * One replica entry: a record's URI and the ETag the client holds (`null` when it holds
 * none, for instance a record it knows only by URI).
 */
export const reconcileEntrySchema = z.strictObject({
  uri: z.string().min(1).max(2048).startsWith('/'),
  etag: z.string().min(1).max(128).nullable(),
});
export type ReconcileEntry = z.infer<typeof reconcileEntrySchema>;

/**
 * Upstream, as the body of `POST /_reconcile` (over HTTP or as a request on the socket).
 *
 * @example
 * { "entries": [{ "uri": "/todos/0193…", "etag": "\"12\"" }, { "uri": "/todos/0194…", "etag": null }] }
 */
export const reconcileRequestSchema = z.strictObject({
  entries: z.array(reconcileEntrySchema),
});
export type ReconcileRequest = z.infer<typeof reconcileRequestSchema>;

/**
 * The answer for one entry, in the order of the request: `304` (the client's ETag is
 * current), `200` with the current ETag and the record as a GET shows it, `404` (no
 * record there that the caller may read: deleted, never created, hidden by a read rule,
 * or not a record URI), `401` (the resource is for signed-in callers only).
 */
export const reconcileAnswerSchema = z.discriminatedUnion('status', [
  z.object({ uri: reconcileEntrySchema.shape.uri, status: z.literal(304), etag: z.string().min(1) }),
  z.object({ uri: reconcileEntrySchema.shape.uri, status: z.literal(200), etag: z.string().min(1), body: z.record(z.string(), z.unknown()) }),
  z.object({ uri: reconcileEntrySchema.shape.uri, status: z.literal(404) }),
  z.object({ uri: reconcileEntrySchema.shape.uri, status: z.literal(401) }),
]);
export type ReconcileAnswer = z.infer<typeof reconcileAnswerSchema>;

/**
 * Downstream, as the 200 body of `POST /_reconcile`: `seq` (also in `syncline-seq`) is the
 * change-log position every answer reflects, so a subscription resumed from it misses
 * nothing that happened after.
 *
 * @example
 * { "seq": 140, "entries": [{ "uri": "/todos/0193…", "status": 304, "etag": "\"12\"" }, { "uri": "/todos/0194…", "status": 404 }] }
 */
export const reconcileResponseSchema = z.object({
  seq: z.number().int().nonnegative(),
  entries: z.array(reconcileAnswerSchema),
});
export type ReconcileResponse = z.infer<typeof reconcileResponseSchema>;
