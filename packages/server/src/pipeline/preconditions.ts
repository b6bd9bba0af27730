import { SynclineError } from '@syncline/protocol';

/** A parsed `If-Match` / `If-None-Match` value: `*` or a list of entity tags (RFC 9110 §8.8.3). */
type EtagCondition = { readonly any: true } | { readonly any: false; readonly tags: ReadonlyArray<{ weak: boolean; opaque: string }> };

const ETAG = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/gy;

function parseEtagCondition(value: string, header: string): EtagCondition {
  if (value.trim() === '*') return { any: true };
  const tags: Array<{ weak: boolean; opaque: string }> = [];
  ETAG.lastIndex = 0;
  while (ETAG.lastIndex < value.length) {
    const match = ETAG.exec(value);
    if (!match) throw new SynclineError('bad-request', { detail: `Malformed ${header} header.` });
    tags.push({ weak: match[1] !== undefined, opaque: match[2] as string });
  }
  return { any: false, tags };
}

export interface PreconditionInput {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The current representation's strong ETag, or undefined when there is none. */
  readonly currentEtag: string | undefined;
}

/**
 * Evaluates `If-Match` and `If-None-Match` in the order of RFC 9110 §13.2.2.
 * Answers 'not-modified' when a GET/HEAD should get 304; throws `precondition-failed` (412).
 */
export function evaluatePreconditions(input: PreconditionInput): 'proceed' | 'not-modified' {
  const ifMatch = input.headers['if-match'];
  if (ifMatch !== undefined) {
    const condition = parseEtagCondition(ifMatch, 'If-Match');
    // §13.1.1: If-Match uses the strong comparison; '*' needs a current representation.
    const ok = condition.any
      ? input.currentEtag !== undefined
      : condition.tags.some((tag) => !tag.weak && tag.opaque === input.currentEtag);
    if (!ok) throw preconditionFailed(input.currentEtag, 'If-Match');
  }
  const ifNoneMatch = input.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const condition = parseEtagCondition(ifNoneMatch, 'If-None-Match');
    // §13.1.2: If-None-Match uses the weak comparison.
    const matched = condition.any
      ? input.currentEtag !== undefined
      : condition.tags.some((tag) => tag.opaque === input.currentEtag);
    if (matched) {
      if (input.method === 'GET' || input.method === 'HEAD') return 'not-modified';
      throw preconditionFailed(input.currentEtag, 'If-None-Match');
    }
  }
  return 'proceed';
}

function preconditionFailed(currentEtag: string | undefined, header: string): SynclineError {
  return new SynclineError('precondition-failed', {
    detail: currentEtag === undefined ? `${header} failed: the resource does not exist.` : `${header} failed: the current ETag is ${currentEtag}.`,
    headers: currentEtag === undefined ? {} : { etag: currentEtag },
  });
}
