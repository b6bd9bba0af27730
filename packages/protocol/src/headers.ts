/**
 * Header names Syncline uses beyond RFC 9110's. Always lower-case on the socket;
 * HTTP is case-insensitive.
 */
export const HEADERS = {
  /** The change-log position a response reflects (every GET and SUBSCRIBE answers it). */
  seq: 'syncline-seq',
  /** On SUBSCRIBE: resume after this position (the `seq` of the last event seen). */
  lastEventId: 'last-event-id',
  /** On a SUBSCRIBE answer: `resumed` (missed events follow) or `reset` (the body is a fresh snapshot). */
  resume: 'syncline-resume',
  /** On UNSUBSCRIBE: the id of the SUBSCRIBE request to end. */
  subscription: 'syncline-subscription',
} as const;

export type Headers = Record<string, string>;
