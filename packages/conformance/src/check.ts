import { ConformanceFailure } from './conformance-failure.js';

/** Shows a value in a failure message, shortened so one reason stays one line. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Fails the case with `what` unless `condition` holds. */
export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new ConformanceFailure('mismatch', what);
}

/** Fails unless `actual` is `expected` (`===`), naming both. */
export function checkEqual<T>(actual: unknown, expected: T, what: string): asserts actual is T {
  if (actual !== expected) throw new ConformanceFailure('mismatch', `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless `value` is a plain JSON object, and returns it typed as one. */
export function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConformanceFailure('mismatch', `${what}: expected a JSON object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A schema of `@syncline/protocol`, as far as the cases use one. */
export interface MessageSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** Parses a message with its protocol schema; `invalid-message` naming `what` when the schema refuses it. */
export function parseAs<T>(schema: MessageSchema<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConformanceFailure('invalid-message', `${what} is not what the protocol's schema allows: ${show(value)}`);
  return parsed.data;
}

/** The strong ETag of a record version (§4.3): `"<version>"`. */
export function recordEtag(version: unknown): string {
  return `"${String(version)}"`;
}

/** Waits `ms` milliseconds; only negative checks (nothing more arrives) use it. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
